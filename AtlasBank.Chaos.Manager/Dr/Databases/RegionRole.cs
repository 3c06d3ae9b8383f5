namespace AtlasBank.Chaos.Manager.Dr.Databases;

/// <summary>
/// What one region's database records of its part in DR (<c>dr.region_role</c>): whether it is the writer, and the
/// epoch of the failover or failback that last fenced or granted it.
/// </summary>
public sealed record RegionRole(string Region, bool IsWriter, long Epoch)
{
    public const string Writer = "writer";
}
