namespace AtlasBank.Chaos.ServiceDefaults;

/// <summary>
/// Names of every meter our services own. ServiceDefaults registers all of them with OpenTelemetry, so a service
/// only has to create its instruments under one of these names.
/// </summary>
public static class TelemetryNames
{
    public const string LedgerMeter = "AtlasBank.Ledger";
    public const string ChaosMeter = "AtlasBank.Chaos";
    public const string AgentMeter = "AtlasBank.Chaos.Agent";

    public static readonly IReadOnlyList<string> Meters = [LedgerMeter, ChaosMeter, AgentMeter];
}
