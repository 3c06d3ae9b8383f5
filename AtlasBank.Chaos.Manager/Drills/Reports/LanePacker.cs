namespace AtlasBank.Chaos.Manager.Drills.Reports;

/// <summary>
/// Puts horizontal extents (a label, a chaos band) into as few rows as possible without overlap, first come first
/// served from left to right: labels of steps that start together stack instead of writing over each other.
/// </summary>
internal static class LanePacker
{
    public static int[] Pack(IReadOnlyList<(double Start, double End)> extents, double gap)
    {
        var rows = new int[extents.Count];
        var rowEnds = new List<double>();
        foreach (var i in Enumerable.Range(0, extents.Count).OrderBy(i => extents[i].Start))
        {
            var row = rowEnds.FindIndex(end => end + gap <= extents[i].Start);
            if (row < 0)
            {
                row = rowEnds.Count;
                rowEnds.Add(extents[i].End);
            }
            else
            {
                rowEnds[row] = extents[i].End;
            }

            rows[i] = row;
        }

        return rows;
    }
}
