using System.Globalization;

namespace AtlasBank.Chaos.Manager.Drills.Invariants;

/// <summary>Amounts and lists as evidence sentences write them: two decimals, invariant culture, long lists cut.</summary>
internal static class MoneyText
{
    private const int ListedAtMost = 10;

    public static string Of(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Signed(decimal amount) => (amount > 0 ? "+" : string.Empty) + Of(amount);

    /// <summary>The first ten items joined by "; ", then how many more.</summary>
    public static string List(IReadOnlyCollection<string> items) =>
        items.Count <= ListedAtMost
            ? string.Join("; ", items)
            : string.Join("; ", items.Take(ListedAtMost)) + $"; and {items.Count - ListedAtMost} more";
}
