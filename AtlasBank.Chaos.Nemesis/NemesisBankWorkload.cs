using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Dr;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// Jepsen's bank workload through <c>http://ledger</c>: accounts opened and funded at home, then transfers between
/// random accounts at a fixed rate, open loop (on schedule whether or not earlier ones answered), each with its own
/// Idempotency-Key, each invoke and completion recorded in the history. A 201 or a 200 replay is <c>ok</c>; a 400 or
/// 404 is <c>fail</c> (the ledger refused the request itself, nothing is written); anything else is <c>info</c>: a 409
/// or 503 may answer a retry whose first attempt committed, and a timeout or a reset connection says nothing.
/// </summary>
public sealed class NemesisBankWorkload(HttpClient ledger, NemesisHistory history, TimeProvider timeProvider, NemesisOptions options)
{
    private static readonly TimeSpan SetupBound = TimeSpan.FromSeconds(30);
    private long _next;
    private int _inFlight;
    private int _skipped;

    /// <summary>Transfers that fell due while <see cref="NemesisOptions.MaxInFlight"/> requests were waiting, and were not sent.</summary>
    public int Skipped => _skipped;

    /// <summary>Opens the run's accounts and funds each from an overdraft account, every call retried (same key) until it answers.</summary>
    public async Task<BankAccounts> OpenAccountsAsync(string runId, CancellationToken cancellationToken)
    {
        var funding = await OpenAccountAsync($"{runId}-funding", allowOverdraft: true, cancellationToken);
        var opened = await Task.WhenAll(Enumerable.Range(0, options.Accounts).Select(async i =>
        {
            var account = await OpenAccountAsync($"{runId}-a{i}", allowOverdraft: false, cancellationToken);
            var key = $"{runId}-fund-{i}";
            await UntilAsync(async token =>
            {
                using var response = await PostTransferAsync(key, funding, account, options.FundingPerAccount, token);
                return response.IsSuccessStatusCode;
            }, $"funding {account}", cancellationToken);
            return (account, key);
        }));
        var accounts = opened.Select(pair => pair.account).ToList();
        var keys = opened.Select(pair => pair.key).ToList();

        return new BankAccounts(runId, accounts, funding, options.FundingPerAccount * options.Accounts, keys);
    }

    /// <summary>Sends transfers at <see cref="NemesisOptions.RatePerSecond"/> until <paramref name="stop"/>; then waits for the ones in flight (each bounded by its own timeout).</summary>
    public async Task RunAsync(BankAccounts accounts, CancellationToken stop)
    {
        var random = new Random(accounts.RunId.GetHashCode(StringComparison.Ordinal));
        var inFlight = new List<Task>();
        var started = timeProvider.GetTimestamp();
        long due = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10), timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                // Open loop by the clock, not by ticks: a late tick (two busy cores) sends every transfer that fell due meanwhile.
                var dueNow = (long)(timeProvider.GetElapsedTime(started).TotalSeconds * options.RatePerSecond);
                for (; due < dueNow; due++)
                {
                    if (Volatile.Read(ref _inFlight) >= options.MaxInFlight)
                    {
                        Interlocked.Increment(ref _skipped);
                        continue;
                    }

                    var from = accounts.AccountIds[random.Next(accounts.AccountIds.Count)];
                    var to = accounts.AccountIds[random.Next(accounts.AccountIds.Count - 1)];
                    to = to == from ? accounts.AccountIds[^1] : to;
                    var amount = random.Next(1, 500) / 100m;
                    inFlight.Add(TransferAsync(accounts.RunId, from, to, amount));
                }

                inFlight.RemoveAll(task => task.IsCompleted);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        await Task.WhenAll(inFlight).WaitAsync(options.RequestTimeout + TimeSpan.FromSeconds(5), CancellationToken.None);
    }

    private async Task TransferAsync(string runId, Guid from, Guid to, decimal amount)
    {
        Interlocked.Increment(ref _inFlight);
        var key = string.Create(CultureInfo.InvariantCulture, $"{runId}-t{Interlocked.Increment(ref _next)}");
        var process = $"client";
        var invokedAt = history.Invoke(process, "transfer", $"{key} {amount} {from:N}->{to:N}");
        using var timeout = new CancellationTokenSource(options.RequestTimeout, timeProvider);
        TransferRecord Completed(OperationType type, Guid? id, string? region, long? epoch, bool replayed, string? detail) =>
            new(key, from, to, amount, invokedAt, type, history.Now, id, region, epoch, replayed, detail);
        try
        {
            using var response = await PostTransferAsync(key, from, to, amount, timeout.Token);
            var region = response.Headers.TryGetValues(DrWriteHeaders.Region, out var regions) ? regions.Single() : null;
            long? epoch = response.Headers.TryGetValues(DrWriteHeaders.Epoch, out var epochs) ? long.Parse(epochs.Single(), CultureInfo.InvariantCulture) : null;
            var status = (int)response.StatusCode;
            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK)
            {
                var id = (await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)).GetProperty("id").GetGuid();
                history.Record(process, Completed(OperationType.Ok, id, region, epoch, response.StatusCode == HttpStatusCode.OK, null));
            }
            else
            {
                var body = await response.Content.ReadAsStringAsync(timeout.Token);
                var type = response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound ? OperationType.Fail : OperationType.Info;
                history.Record(process, Completed(type, null, region, epoch, false, $"{status} {Title(body)}"));
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Whatever the client threw (a timeout, a reset, the standard handler's open circuit after earlier attempts): unknown.
            history.Record(process, Completed(OperationType.Info, null, null, null, false, $"{ex.GetType().Name}: {ex.Message}"));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private Task<HttpResponseMessage> PostTransferAsync(string key, Guid from, Guid to, decimal amount, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/transfers")
        {
            Content = JsonContent.Create(new { fromAccountId = from, toAccountId = to, amount, reference = key }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return ledger.SendAsync(request, cancellationToken);
    }

    private async Task<Guid> OpenAccountAsync(string name, bool allowOverdraft, CancellationToken cancellationToken)
    {
        var id = Guid.Empty;
        await UntilAsync(async token =>
        {
            using var response = await ledger.PostAsJsonAsync("/accounts", new { name, currency = "EUR", allowOverdraft }, token);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            id = (await response.Content.ReadFromJsonAsync<JsonElement>(token)).GetProperty("id").GetGuid();
            return true;
        }, $"account {name}", cancellationToken);
        return id;
    }

    /// <summary>Retries <paramref name="attempt"/> (each bounded to 5 s) until it holds or <see cref="SetupBound"/> passes.</summary>
    private async Task UntilAsync(Func<CancellationToken, Task<bool>> attempt, string what, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        while (timeProvider.GetElapsedTime(started) < SetupBound)
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                if (await attempt(bound.Token))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or Polly.ExecutionRejectedException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not there yet: a region still coming back, or the standard handler's circuit still open from the last schedule.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), timeProvider, cancellationToken);
        }

        throw new TimeoutException($"The workload's setup could not create {what} within {SetupBound}.");
    }

    private static string Title(string problem)
    {
        try
        {
            return JsonDocument.Parse(problem).RootElement.TryGetProperty("title", out var title) ? title.GetString() ?? string.Empty : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }
}
