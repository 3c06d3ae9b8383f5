using System.Globalization;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// No moment with two regions taking writes, judged from the write records alone: each new write (a 201, not a
/// replay) carries the region that let it through and the routing epoch it was admitted under, and the history
/// gives each request's invoke and complete times. Two rules, both must hold:
/// <list type="number">
/// <item>One epoch, one writer: no epoch has new writes from two regions.</item>
/// <item>Epochs follow real time across regions: for writes <c>x</c> and <c>y</c> from different regions with
/// <c>epoch(x) &lt; epoch(y)</c>, <c>x</c> was not invoked after <c>y</c> completed. Otherwise region
/// <c>x</c> admitted a write under a superseded epoch while the other region's newer writer had already
/// acknowledged one: at that moment both took writes.</item>
/// </list>
/// Writes whose intervals overlap are not ordered by real time, and are not judged by rule 2.
/// </summary>
public static class SplitBrainRule
{
    public static IReadOnlyList<string> Violations(IReadOnlyList<TransferRecord> transfers)
    {
        var writes = transfers
            .Where(t => t is { Type: OperationType.Ok, Replayed: false, Region: not null, Epoch: not null })
            .ToList();
        var findings = new List<string>();

        foreach (var epoch in writes.GroupBy(w => w.Epoch!.Value).Where(g => g.Select(w => w.Region).Distinct().Count() > 1))
        {
            var byRegion = epoch.GroupBy(w => w.Region!).Select(g => $"{g.Key} {g.Count()} (e.g. {g.First().IdempotencyKey})");
            findings.Add(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch.Key} has writes from two regions: {string.Join(", ", byRegion)}"));
        }

        // The earliest completion of each (region, epoch): the moment that region's writer under that epoch was known to write.
        var firstAcknowledged = writes.GroupBy(w => (w.Region, Epoch: w.Epoch!.Value))
            .Select(g => g.MinBy(w => w.CompletedAt)!)
            .ToList();
        foreach (var write in writes)
        {
            var newer = firstAcknowledged
                .Where(y => y.Region != write.Region && y.Epoch > write.Epoch && write.InvokedAt > y.CompletedAt)
                .MinBy(y => y.CompletedAt);
            if (newer is not null)
            {
                findings.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{write.IdempotencyKey} written by {write.Region} under epoch {write.Epoch}, invoked at {write.InvokedAt.TotalSeconds:0.000} s, after {newer.IdempotencyKey} was acknowledged by {newer.Region} under epoch {newer.Epoch} at {newer.CompletedAt.TotalSeconds:0.000} s"));
            }
        }

        return findings;
    }
}
