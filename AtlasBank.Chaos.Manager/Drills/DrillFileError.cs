namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>One problem of one definition file: the file, the field by its JSON path (<c>$.Method[2].Seconds</c>), and what is wrong.</summary>
public sealed record DrillFileError(string File, string Field, string Message)
{
    public override string ToString() => $"{File}: {Field}: {Message}";
}
