namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Marks an endpoint that can start chaos (enable, inject, lifting the halt): it fails closed, refused with 503
/// before it changes anything when its audit row could not be written. Every other endpoint — stopping chaos
/// first among them — is audited through the spool and never waits on the audit database.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class StartsChaosAttribute : Attribute;
