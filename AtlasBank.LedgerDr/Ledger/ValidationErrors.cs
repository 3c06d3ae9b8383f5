namespace AtlasBank.LedgerDr.Ledger;

/// <summary>Collects every bad field of a request, so one answer names them all.</summary>
internal sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public Dictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>True for text a person could have typed: no control characters and not blank.</summary>
    public static bool IsPrintable(string value) =>
        !string.IsNullOrWhiteSpace(value) && !value.Any(char.IsControl);
}
