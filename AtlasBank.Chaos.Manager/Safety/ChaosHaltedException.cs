namespace AtlasBank.Chaos.Manager.Safety;

/// <summary>Thrown when an enable meets an engaged halt inside its own transaction.</summary>
public sealed class ChaosHaltedException() : Exception("Chaos is halted.");
