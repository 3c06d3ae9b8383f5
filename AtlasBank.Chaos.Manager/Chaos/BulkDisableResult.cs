namespace AtlasBank.Chaos.Manager.Chaos;

/// <param name="NotActive">Named services that had no active chaos: nothing to disable (not an error in bulk).</param>
public sealed record BulkDisableResult(IReadOnlyList<string> Disabled, IReadOnlyList<string> NotActive);
