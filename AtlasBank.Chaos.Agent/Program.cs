var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddChaosAgentServices();

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints();

app.Run();
