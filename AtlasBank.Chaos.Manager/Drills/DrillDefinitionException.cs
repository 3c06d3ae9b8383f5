namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>Thrown at start when any definition file is bad: the manager does not run with a drill it cannot trust.</summary>
public sealed class DrillDefinitionException : Exception
{
    public DrillDefinitionException(IReadOnlyList<DrillFileError> errors)
        : base($"{errors.Count} problem(s) in the drill definitions; the manager will not start until they are fixed:{Environment.NewLine}"
            + string.Join(Environment.NewLine, errors.Select(error => "  " + error)))
    {
        Errors = errors;
    }

    public DrillDefinitionException()
        : this([])
    {
    }

    public DrillDefinitionException(string message)
        : base(message)
    {
        Errors = [];
    }

    public DrillDefinitionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<DrillFileError> Errors { get; }
}
