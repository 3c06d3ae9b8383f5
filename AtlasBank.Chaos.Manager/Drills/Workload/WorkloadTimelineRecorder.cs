namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>
/// The per-second timeline, built as requests finish: a second's latencies are held only while it is the current
/// one, then it is closed into one <see cref="WorkloadSecond"/> (3,600 for an hour). Also keeps, per second, when its
/// first acknowledgement finished, for the first write after a promotion. Not thread-safe: <see cref="WorkloadLog"/>
/// holds its lock around every call.
/// </summary>
internal sealed class WorkloadTimelineRecorder
{
    private readonly List<WorkloadSecond> _closed = [];
    private readonly List<long> _firstAcknowledgedTicks = [];
    private readonly List<double> _latencies = [];
    private int _current = -1;
    private int _acknowledged;
    private int _rejected;
    private int _unknown;
    private long _currentFirstAcknowledged;

    /// <summary>The last second a request finished in; -1 before the first.</summary>
    public int LastSecond => _current;

    /// <summary>
    /// A request that finished in <paramref name="second"/>; one from an earlier second (a clock step back) counts in
    /// the current one, as requests are recorded in the order they finished.
    /// </summary>
    public void Add(int second, string outcome, double latencyMs, DateTimeOffset finishedAt)
    {
        if (second > _current)
        {
            if (_current >= 0)
            {
                Close();
            }

            while (_closed.Count < second)
            {
                _closed.Add(new WorkloadSecond(_closed.Count, 0, 0, 0, null, null));
                _firstAcknowledgedTicks.Add(0);
            }

            _current = second;
        }

        _latencies.Add(latencyMs);
        switch (outcome)
        {
            case WorkloadOutcomes.Acknowledged:
                _acknowledged++;
                _currentFirstAcknowledged = _currentFirstAcknowledged == 0 ? finishedAt.UtcTicks : _currentFirstAcknowledged;
                break;
            case WorkloadOutcomes.Rejected: _rejected++; break;
            default: _unknown++; break;
        }
    }

    /// <summary>Every second up to the current one, and zeros up to <paramref name="until"/> when later.</summary>
    public IReadOnlyList<WorkloadSecond> Timeline(int until)
    {
        var seconds = new List<WorkloadSecond>(Math.Max(_closed.Count + 1, until + 1));
        seconds.AddRange(_closed);
        if (_current >= 0)
        {
            seconds.Add(Current());
        }

        while (seconds.Count <= until)
        {
            seconds.Add(new WorkloadSecond(seconds.Count, 0, 0, 0, null, null));
        }

        return seconds;
    }

    /// <summary>
    /// The first acknowledgement of the first second after <paramref name="second"/> that had one (the second itself
    /// is the caller's to search, in the requests it still holds).
    /// </summary>
    public DateTimeOffset? FirstAcknowledgedAfter(int second)
    {
        for (var s = second + 1; s < _firstAcknowledgedTicks.Count; s++)
        {
            if (_firstAcknowledgedTicks[s] != 0)
            {
                return new DateTimeOffset(_firstAcknowledgedTicks[s], TimeSpan.Zero);
            }
        }

        return _current > second && _currentFirstAcknowledged != 0 ? new DateTimeOffset(_currentFirstAcknowledged, TimeSpan.Zero) : null;
    }

    private WorkloadSecond Current()
    {
        var sorted = _latencies.Order().ToList();
        return new WorkloadSecond(_current, _acknowledged, _rejected, _unknown, Percentiles.Of(sorted, 50), Percentiles.Of(sorted, 99));
    }

    private void Close()
    {
        _closed.Add(Current());
        _firstAcknowledgedTicks.Add(_currentFirstAcknowledged);
        _latencies.Clear();
        (_acknowledged, _rejected, _unknown, _currentFirstAcknowledged) = (0, 0, 0, 0);
    }
}
