var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddChaosManagerServices();

var app = builder.Build();

app.UseServiceDefaults();
app.MapChaosManagerEndpoints();
app.MapDefaultEndpoints();

app.Run();
