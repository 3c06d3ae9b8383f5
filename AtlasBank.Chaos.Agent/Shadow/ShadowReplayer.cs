using System.Diagnostics;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Contracts.Shadow;
using AtlasBank.Chaos.ServiceDefaults.Shadow;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>
/// Replays one sample against DR and decides its verdict. A first mismatch is not yet drift: DR may simply
/// not have applied the primary's latest writes. So the replayer waits until DR has received at least the
/// primary's WAL position, compares the two current answers again, and calls it <c>drift</c> only when they
/// still differ with DR caught up (<see cref="ShadowOptions.DriftConfirmations"/> times in a row), <c>lag</c>
/// when DR stayed behind for the whole <see cref="ShadowOptions.LagRetryWindow"/>. Every request goes to DR's
/// or the primary's base address plus a relative path (<see cref="ReplayUri"/>); a sample whose path would leave
/// it is never sent and ends as <c>error</c> with the reason.
/// </summary>
public sealed class ShadowReplayer(IHttpClientFactory httpClientFactory, IOptions<ShadowOptions> options, ShadowSampler sampler, TimeProvider timeProvider)
{
    public const string SourceClient = "shadow-source";
    public const string DestinationClient = "shadow-destination";

    private readonly JsonComparer _comparer = new(options.Value.IgnorePaths);

    private sealed record Answer(int Status, string Body, double LatencyMs, bool Chaos, string? Error);

    public async Task<ShadowComparison> CompareAsync(ShadowSample sample, CancellationToken cancellationToken)
    {
        // A path that would leave DR is never sent anywhere: the sample is an error, kept so it can be seen.
        var destination = httpClientFactory.CreateClient(DestinationClient);
        if (ReplayUri.TryBuild(destination.BaseAddress, sample.PathAndQuery, out var refusal) is null)
        {
            return Result(sample, Verdicts.Error, sample.Status, null, [], null, 0, null, refusal);
        }

        if (sample.ChaosExperimentId is not null)
        {
            return Result(sample, Verdicts.Chaos, sample.Status, null, [], null, 0, null, null);
        }

        var dr = await FetchAsync(DestinationClient, sample.PathAndQuery, cancellationToken);
        if (dr.Error is not null)
        {
            return Result(sample, Verdicts.Error, sample.Status, dr, [], null, 1, null, dr.Error);
        }

        if (dr.Chaos)
        {
            return Result(sample, Verdicts.Chaos, sample.Status, dr, [], null, 1, null, null);
        }

        // The noise floor: does the primary even agree with itself on this request? (Asked for a share of samples.)
        // Only when nothing was written in between: the primary's WAL position after the second answer must still
        // be the one the sample carries, else a write would pass for noise and hide real drift.
        bool? selfDisagreed = null;
        if (!sample.BodyTruncated && sampler.Sample(options.Value.NoiseRate))
        {
            var again = await FetchAsync(SourceClient, sample.PathAndQuery, cancellationToken);
            var walAfter = again.Error is null && !again.Chaos ? Lsn.Parse(await PrimaryLsnAsync(cancellationToken)) : null;
            selfDisagreed = NoiseSample(Lsn.Parse(sample.PrimaryLsn), walAfter, again.Error is null && !again.Chaos ? Compare(sample.Status, sample.Body, again).Count > 0 : null);
        }

        var differences = sample.BodyTruncated
            ? StatusOnly(sample.Status, dr.Status)
            : Compare(sample.Status, sample.Body, dr);
        if (Verdicts.Agree(sample.Status, dr.Status, differences.Count))
        {
            return Result(sample, Verdicts.Match, sample.Status, dr, [], null, 1, selfDisagreed, null);
        }

        return await ResolveMismatchAsync(sample, dr, differences, selfDisagreed, cancellationToken);
    }

    private async Task<ShadowComparison> ResolveMismatchAsync(
        ShadowSample sample, Answer firstDr, IReadOnlyList<Difference> firstDifferences, bool? selfDisagreed, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var deadline = timeProvider.GetUtcNow() + settings.LagRetryWindow;
        var sampleLsn = Lsn.Parse(sample.PrimaryLsn) ?? 0;
        var differences = firstDifferences;
        var lastDr = firstDr;
        var lastPrimaryStatus = sample.Status;
        string? drLsnText = null;
        var confirmations = 0;
        var caughtUp = false;
        var checks = 1;

        while (timeProvider.GetUtcNow() < deadline)
        {
            await Task.Delay(settings.LagRetryDelay, timeProvider, cancellationToken);
            checks++;
            var drLsn = await DrReceivedLsnAsync(cancellationToken);
            drLsnText = drLsn.Text;
            if (drLsn.Error is not null)
            {
                return Result(sample, Verdicts.Error, lastPrimaryStatus, lastDr, differences, drLsnText, checks, selfDisagreed, drLsn.Error);
            }

            if (drLsn.Value is not { } received || received < sampleLsn)
            {
                caughtUp = false;
                confirmations = 0;
                continue;
            }

            // DR has what the sample saw. The primary may have moved on since: compare both as they are now,
            // once DR has received everything the primary had written when it answered.
            var primary = await FetchAsync(SourceClient, sample.PathAndQuery, cancellationToken);
            var primaryLsn = Lsn.Parse(await PrimaryLsnAsync(cancellationToken));
            if (primary.Error is not null || primary.Chaos || primaryLsn is null)
            {
                continue;
            }

            if (!await WaitForDrAsync(primaryLsn.Value, deadline, cancellationToken))
            {
                caughtUp = false;
                confirmations = 0;
                continue;
            }

            var dr = await FetchAsync(DestinationClient, sample.PathAndQuery, cancellationToken);
            if (dr.Error is not null)
            {
                return Result(sample, Verdicts.Error, lastPrimaryStatus, dr, differences, drLsnText, checks, selfDisagreed, dr.Error);
            }

            if (dr.Chaos)
            {
                return Result(sample, Verdicts.Chaos, primary.Status, dr, [], drLsnText, checks, selfDisagreed, null);
            }

            // From here the stored pair is this one: the primary's answer now and DR's, both with DR caught up.
            lastDr = dr;
            lastPrimaryStatus = primary.Status;
            differences = Compare(primary.Status, primary.Body, dr);
            if (Verdicts.Agree(primary.Status, dr.Status, differences.Count))
            {
                return Result(sample, Verdicts.Match, primary.Status, dr, [], drLsnText, checks, selfDisagreed, null);
            }

            caughtUp = true;
            if (++confirmations >= settings.DriftConfirmations)
            {
                break;
            }
        }

        return Result(sample, caughtUp ? Verdicts.Drift : Verdicts.Lag, lastPrimaryStatus, lastDr, differences, drLsnText, checks, selfDisagreed, null);
    }

    private async Task<bool> WaitForDrAsync(ulong primaryLsn, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            if ((await DrReceivedLsnAsync(cancellationToken)).Value is { } received && received >= primaryLsn)
            {
                return true;
            }

            if (timeProvider.GetUtcNow() >= deadline)
            {
                return false;
            }

            await Task.Delay(options.Value.LagRetryDelay, timeProvider, cancellationToken);
        }
    }

    /// <summary>
    /// One noise-floor observation: whether the primary disagreed with itself, counted only when its WAL position
    /// after the second answer equals the sample's (nothing written in between); null (not counted) otherwise.
    /// </summary>
    public static bool? NoiseSample(ulong? walAtSample, ulong? walAfterAgain, bool? disagreed) =>
        walAtSample is { } before && walAfterAgain == before ? disagreed : null;

    /// <summary>DR's verdict on its own replication, from its <c>/dr/status</c> (bounded by the request timeout).</summary>
    public async Task<DrReplication> DrReplicationAsync(CancellationToken cancellationToken)
    {
        var status = await FetchAsync(DestinationClient, "/dr/status", cancellationToken);
        if (status.Error is not null || status.Status != 200)
        {
            return DrReplication.Unknown(status.Error ?? $"DR status answered {status.Status}");
        }

        try
        {
            using var document = JsonDocument.Parse(status.Body);
            var root = document.RootElement;
            return root.TryGetProperty("healthy", out var healthy) && healthy.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? new DrReplication(healthy.GetBoolean(), ReadString(status.Body, "unhealthyReason"))
                : DrReplication.Unknown("DR status states no verdict");
        }
        catch (JsonException)
        {
            return DrReplication.Unknown("DR status is not JSON");
        }
    }

    private IReadOnlyList<Difference> Compare(int primaryStatus, string primaryBody, Answer dr) =>
        _comparer.Compare(primaryStatus, primaryBody, dr.Status, dr.Body);

    private static IReadOnlyList<Difference> StatusOnly(int primary, int dr) =>
        primary == dr ? [] : [new Difference("status", primary.ToString(System.Globalization.CultureInfo.InvariantCulture), dr.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private async Task<Answer> FetchAsync(string client, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        var started = Stopwatch.GetTimestamp();
        var http = httpClientFactory.CreateClient(client);
        if (ReplayUri.TryBuild(http.BaseAddress, pathAndQuery, out var refusal) is not { } uri)
        {
            return new Answer(0, string.Empty, 0, false, refusal);
        }

        try
        {
            using var response = await http.GetAsync(uri, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return new Answer((int)response.StatusCode, body, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                response.Headers.Contains(ChaosHeaders.Injected), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return new Answer(0, string.Empty, Stopwatch.GetElapsedTime(started).TotalMilliseconds, false,
                ex is OperationCanceledException ? "No answer within the request timeout." : ex.Message);
        }
    }

    private async Task<(ulong? Value, string? Text, string? Error)> DrReceivedLsnAsync(CancellationToken cancellationToken)
    {
        var status = await FetchAsync(DestinationClient, "/dr/status", cancellationToken);
        if (status.Error is not null || status.Status != 200)
        {
            return (null, null, status.Error ?? $"DR status answered {status.Status}.");
        }

        var text = ReadString(status.Body, "receivedLsn");
        return (Lsn.Parse(text), text, null);
    }

    private async Task<string?> PrimaryLsnAsync(CancellationToken cancellationToken)
    {
        var status = await FetchAsync(SourceClient, "/dr/status", cancellationToken);
        return status.Error is null && status.Status == 200 ? ReadString(status.Body, "publisherLsn") : null;
    }

    private static string? ReadString(string json, string property)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <param name="primaryStatus">The primary's status in the pair the verdict rests on (the sample's, or its answer once DR caught up).</param>
    private ShadowComparison Result(
        ShadowSample sample, string verdict, int primaryStatus, Answer? dr, IReadOnlyList<Difference> differences, string? drLsn, int checks, bool? selfDisagreed, string? error) =>
        new(sample.Id, sample.Method, sample.PathAndQuery, verdict, primaryStatus, dr is { Error: null } ? dr.Status : null,
            differences, sample.PrimaryLatencyMs, dr?.LatencyMs, sample.SampledAt, timeProvider.GetUtcNow(),
            sample.PrimaryLsn, drLsn, checks, selfDisagreed, sample.ChaosExperimentId, error, sample.Status);
}
