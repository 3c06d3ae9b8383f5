namespace AtlasBank.Chaos.AppHost.Infrastructure;

public static class ReplicationBuilderExtensions
{
    /// <summary>
    /// Tells the DR ledger how its PostgreSQL server reaches the primary, when that differs from how the
    /// ledger itself does (containers reach each other by resource name on the container network).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPublisherAddress(this IResourceBuilder<ProjectResource> dr, DataServices data) =>
        data.PublisherHostOverride is { } publisher
            ? dr.WithEnvironment("Replication__PublisherHost", publisher.Host)
                .WithEnvironment("Replication__PublisherPort", publisher.Port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : dr;
}
