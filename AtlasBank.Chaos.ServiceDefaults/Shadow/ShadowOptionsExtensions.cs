using System.Globalization;
using AtlasBank.Chaos.Contracts.Shadow;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

public static class ShadowOptionsExtensions
{
    /// <summary>
    /// Binds <see cref="ShadowOptions"/> from <c>Shadow:*</c>, lets the spec's variables (SHADOW_SRC, SHADOW_DST,
    /// SHADOW_RATE, REDIS_KEY_PREFIX) override their keys, and validates everything on start. The one place both
    /// the ledger's tap and the agent read their shadow settings from.
    /// </summary>
    public static IServiceCollection AddShadowOptions(this IServiceCollection services)
    {
        services.AddOptions<ShadowOptions>()
            .BindConfiguration(ShadowOptions.SectionName)
            .Configure<IConfiguration>(ApplySpecVariables)
            .ValidateDataAnnotations()
            .Validate(options => ShadowOptions.TryParseAddress(options.Source, out _), $"{ShadowSpecVariables.Source} must be host[:port] or an http URL.")
            .Validate(options => ShadowOptions.TryParseAddress(options.Destination, out _), $"{ShadowSpecVariables.Destination} must be host[:port] or an http URL.")
            .Validate(options => options.Methods.All(method => method is "GET" or "HEAD"),
                "Shadow:Methods may hold only GET and HEAD: a write is never replayed to DR.")
            .ValidateOnStart();
        return services;
    }

    /// <summary>
    /// A spec variable that is set wins over its <c>Shadow:*</c> key. An empty SHADOW_SRC or SHADOW_DST counts as
    /// unset; an empty SHADOW_RATE or REDIS_KEY_PREFIX is kept, so validation names it.
    /// </summary>
    private static void ApplySpecVariables(ShadowOptions options, IConfiguration configuration)
    {
        if (configuration[ShadowSpecVariables.Source] is { Length: > 0 } source)
        {
            options.Source = source;
        }

        if (configuration[ShadowSpecVariables.Destination] is { Length: > 0 } destination)
        {
            options.Destination = destination;
        }

        if (configuration[ShadowSpecVariables.Rate] is { } rate)
        {
            options.Rate = ParseRate(rate);
        }

        if (configuration[ShadowSpecVariables.KeyPrefix] is { } prefix)
        {
            options.KeyPrefix = prefix;
        }
    }

    /// <summary>NaN when SHADOW_RATE is not a number: the range check then fails naming SHADOW_RATE.</summary>
    private static double ParseRate(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) ? rate : double.NaN;
}
