var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddChaosManagerServices();

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints();

app.Run();
