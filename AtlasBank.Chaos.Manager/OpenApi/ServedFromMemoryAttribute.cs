namespace AtlasBank.Chaos.Manager.OpenApi;

/// <summary>
/// Marks an endpoint that answers from the manager's memory (e.g. the drill definitions loaded at start): neither
/// Redis nor the audit database being away can make it answer 503, so its document does not say it might.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class ServedFromMemoryAttribute : Attribute;
