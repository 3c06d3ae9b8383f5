var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddChaosAgentServices();

var app = builder.Build();

app.UseServiceDefaults();
app.MapChaosAgentEndpoints();
app.MapDefaultEndpoints();

app.Run();
