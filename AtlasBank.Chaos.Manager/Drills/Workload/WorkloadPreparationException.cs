namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>The ledger would not open or fund a run's accounts; the message says what it answered.</summary>
public sealed class WorkloadPreparationException : Exception
{
    public WorkloadPreparationException(string message)
        : base(message)
    {
    }

    public WorkloadPreparationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
