var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddLedgerServices();

var app = builder.Build();

app.UseServiceDefaults();
app.UseShadowTap();
app.MapAccountsApi();
app.MapTransfersApi();
app.MapLedgerApi();
app.MapDrApi();
app.MapPrometheusScrapingEndpoint();
app.MapDefaultEndpoints();

app.Run();
