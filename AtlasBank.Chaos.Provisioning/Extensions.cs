using AtlasBank.Chaos.Contracts.Provisioning;
using AtlasBank.Chaos.Provisioning;

namespace Microsoft.Extensions.Hosting;

public static class ProvisioningExtensions
{
    public static IHostApplicationBuilder AddProvisioning(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProvisioningOptions>()
            .BindConfiguration(ProvisioningSettings.Section)
            .Configure(options => options.ReadConnectionStrings(builder.Configuration))
            .ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ProvisioningOptions>, ProvisioningOptionsValidator>();
        builder.Services.AddSingleton<Provisioner>();
        builder.Services.AddHostedService<ProvisioningWorker>();
        return builder;
    }
}
