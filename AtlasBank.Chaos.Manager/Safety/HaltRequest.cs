namespace AtlasBank.Chaos.Manager.Safety;

/// <summary>The optional body of <c>POST /chaos/halt</c>.</summary>
public sealed class HaltRequest
{
    public string? Reason { get; set; }
}
