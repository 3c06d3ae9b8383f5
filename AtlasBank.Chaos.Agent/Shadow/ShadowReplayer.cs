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
/// when DR stayed behind for the whole <see cref="ShadowOptions.LagRetryWindow"/>.
/// </summary>
public sealed class ShadowReplayer(IHttpClientFactory httpClientFactory, IOptions<ShadowOptions> options, ShadowSampler sampler, TimeProvider timeProvider)
{
    public const string SourceClient = "shadow-source";
    public const string DestinationClient = "shadow-destination";

    private readonly JsonComparer _comparer = new(options.Value.IgnorePaths);

    private sealed record Answer(int Status, string Body, double LatencyMs, bool Chaos, string? Error);

    public async Task<ShadowComparison> CompareAsync(ShadowSample sample, CancellationToken cancellationToken)
    {
        if (sample.ChaosExperimentId is not null)
        {
            return Result(sample, Verdicts.Chaos, null, [], null, 0, null, null);
        }

        var dr = await FetchAsync(DestinationClient, sample.PathAndQuery, cancellationToken);
        if (dr.Error is not null)
        {
            return Result(sample, Verdicts.Error, dr, [], null, 1, null, dr.Error);
        }

        if (dr.Chaos)
        {
            return Result(sample, Verdicts.Chaos, dr, [], null, 1, null, null);
        }

        // The noise floor: does the primary even agree with itself on this request? (Asked for a share of samples.)
        bool? selfDisagreed = null;
        if (!sample.BodyTruncated && sampler.Sample(options.Value.NoiseRate))
        {
            var again = await FetchAsync(SourceClient, sample.PathAndQuery, cancellationToken);
            selfDisagreed = again.Error is null && !again.Chaos ? Compare(sample.Status, sample.Body, again).Count > 0 : null;
        }

        var differences = sample.BodyTruncated
            ? StatusOnly(sample.Status, dr.Status)
            : Compare(sample.Status, sample.Body, dr);
        if (differences.Count == 0)
        {
            return Result(sample, Verdicts.Match, dr, [], null, 1, selfDisagreed, null);
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
                return Result(sample, Verdicts.Error, lastDr, differences, drLsnText, checks, selfDisagreed, drLsn.Error);
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

            lastDr = await FetchAsync(DestinationClient, sample.PathAndQuery, cancellationToken);
            if (lastDr.Error is not null)
            {
                return Result(sample, Verdicts.Error, lastDr, differences, drLsnText, checks, selfDisagreed, lastDr.Error);
            }

            if (lastDr.Chaos)
            {
                return Result(sample, Verdicts.Chaos, lastDr, [], drLsnText, checks, selfDisagreed, null);
            }

            differences = Compare(primary.Status, primary.Body, lastDr);
            if (differences.Count == 0)
            {
                return Result(sample, Verdicts.Match, lastDr, [], drLsnText, checks, selfDisagreed, null);
            }

            caughtUp = true;
            if (++confirmations >= settings.DriftConfirmations)
            {
                break;
            }
        }

        return Result(sample, caughtUp ? Verdicts.Drift : Verdicts.Lag, lastDr, differences, drLsnText, checks, selfDisagreed, null);
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

    private IReadOnlyList<Difference> Compare(int primaryStatus, string primaryBody, Answer dr) =>
        _comparer.Compare(primaryStatus, primaryBody, dr.Status, dr.Body);

    private static IReadOnlyList<Difference> StatusOnly(int primary, int dr) =>
        primary == dr ? [] : [new Difference("status", primary.ToString(System.Globalization.CultureInfo.InvariantCulture), dr.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private async Task<Answer> FetchAsync(string client, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await httpClientFactory.CreateClient(client).GetAsync(pathAndQuery, timeout.Token);
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

    private ShadowComparison Result(
        ShadowSample sample, string verdict, Answer? dr, IReadOnlyList<Difference> differences, string? drLsn, int checks, bool? selfDisagreed, string? error) =>
        new(sample.Id, sample.Method, sample.PathAndQuery, verdict, sample.Status, dr is { Error: null } ? dr.Status : null,
            differences, sample.PrimaryLatencyMs, dr?.LatencyMs, sample.SampledAt, timeProvider.GetUtcNow(),
            sample.PrimaryLsn, drLsn, checks, selfDisagreed, sample.ChaosExperimentId, error);
}
