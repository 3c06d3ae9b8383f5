var builder = Host.CreateApplicationBuilder(args);

builder.AddBasicServiceDefaults();
builder.AddProvisioning();

builder.Build().Run();
