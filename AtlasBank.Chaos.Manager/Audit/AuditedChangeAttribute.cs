namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>Marks an endpoint whose success changes chaos state: its audit row must be written, or it is not applied.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class AuditedChangeAttribute : Attribute;
