using System.Diagnostics.Metrics;
using System.Text;
using System.Threading.Channels;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Contracts.Shadow;
using AtlasBank.Chaos.ServiceDefaults;
using AtlasBank.Chaos.ServiceDefaults.Shadow;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AtlasBank.LedgerDr.Shadow;

/// <summary>
/// The primary's side of shadow traffic: samples <c>SHADOW_RATE</c> of the safe requests it serves into a
/// bounded in-memory queue. The request never waits on shadowing: a full queue drops the sample and counts it.
/// </summary>
public sealed class ShadowTap
{
    private readonly Channel<ShadowSample> _queue;
    private readonly ShadowOptions _options;
    private readonly ShadowSampler _sampler;
    private readonly TimeProvider _timeProvider;
    private readonly Counter<long> _sampled;
    private readonly Counter<long> _dropped;
    private long _droppedSinceReport;
    private long _queuedBytes;

    public ShadowTap(IOptions<ShadowOptions> options, ShadowSampler sampler, TimeProvider timeProvider, IMeterFactory meterFactory)
    {
        _options = options.Value;
        _sampler = sampler;
        _timeProvider = timeProvider;
        _queue = Channel.CreateBounded<ShadowSample>(new BoundedChannelOptions(_options.BufferCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
        var meter = meterFactory.Create(TelemetryNames.LedgerMeter);
        _sampled = meter.CreateCounter<long>("shadow_sampled_total", description: "Requests the primary sampled for shadowing.");
        _dropped = meter.CreateCounter<long>("shadow_dropped_total", description: "Samples dropped: buffer full or Redis unreachable.");
    }

    public ChannelReader<ShadowSample> Samples => _queue.Reader;

    public ShadowOptions Options => _options;

    /// <summary>
    /// Whether this request is shadowed: the coin says so (first, so the other 95 % pay one random number and
    /// nothing else), a safe method, not the agent's own replay, a target that matched a ledger route and can
    /// only be replayed against DR (<see cref="ShadowTarget"/>), and not an excluded path.
    /// </summary>
    public bool ShouldSample(HttpContext context)
    {
        var request = context.Request;
        if (!_sampler.Sample(_options.Rate)
            || !_options.Methods.Contains(request.Method, StringComparer.OrdinalIgnoreCase)
            || request.Headers.ContainsKey(ShadowHeaders.Replay)
            || !ShadowTarget.IsSafe(context.Features.Get<IHttpRequestFeature>()?.RawTarget, request.Path.Value ?? string.Empty, context.GetEndpoint()))
        {
            return false;
        }

        foreach (var excluded in _options.ExcludePaths)
        {
            if (request.Path.StartsWithSegments(excluded, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    public void Capture(HttpContext context, ReadOnlySpan<byte> body, bool truncated, TimeSpan latency)
    {
        var request = context.Request;
        var chaos = request.Headers[ChaosHeaders.Experiment].ToString();
        var sample = new ShadowSample(
            Id: Guid.CreateVersion7().ToString("N"),
            Method: request.Method,
            PathAndQuery: request.Path + request.QueryString,
            Status: context.Response.StatusCode,
            ContentType: context.Response.ContentType,
            Body: Encoding.UTF8.GetString(body),
            BodyTruncated: truncated,
            PrimaryLatencyMs: latency.TotalMilliseconds,
            SampledAt: _timeProvider.GetUtcNow(),
            ChaosExperimentId: chaos.Length > 0 ? chaos : null,
            PrimaryLsn: null);

        // Bounded by bytes as well as by count: 10 000 samples of 64 KiB would otherwise hold over a gigabyte.
        var size = SizeOf(sample);
        if (Interlocked.Add(ref _queuedBytes, size) <= _options.BufferBytes && _queue.Writer.TryWrite(sample))
        {
            _sampled.Add(1);
        }
        else
        {
            Interlocked.Add(ref _queuedBytes, -size);
            RecordDropped(1);
        }
    }

    /// <summary>Takes the oldest waiting sample, giving back the memory it held in the buffer.</summary>
    public bool TryTake([System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out ShadowSample sample)
    {
        if (!_queue.Reader.TryRead(out sample))
        {
            return false;
        }

        Interlocked.Add(ref _queuedBytes, -SizeOf(sample));
        return true;
    }

    /// <summary>Bytes the waiting samples hold.</summary>
    public long QueuedBytes => Interlocked.Read(ref _queuedBytes);

    private static long SizeOf(ShadowSample sample) =>
        256L + (2L * (sample.Body.Length + sample.PathAndQuery.Length + (sample.ContentType?.Length ?? 0) + sample.Id.Length + sample.Method.Length));

    public void RecordDropped(long count)
    {
        _dropped.Add(count);
        Interlocked.Add(ref _droppedSinceReport, count);
    }

    /// <summary>Drops not yet added to the shared Redis counter.</summary>
    public long TakeDroppedSinceReport() => Interlocked.Exchange(ref _droppedSinceReport, 0);

    /// <summary>Puts back drops that could not be reported, so none is lost from the shared count.</summary>
    public void ReturnUnreported(long count) => Interlocked.Add(ref _droppedSinceReport, count);
}
