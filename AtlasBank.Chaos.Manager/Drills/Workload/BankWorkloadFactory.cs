using System.Globalization;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>Opens and funds a run's accounts on the primary ledger and hands back the run's <see cref="BankWorkload"/>.</summary>
public sealed class BankWorkloadFactory
{
    /// <summary>Accounts opened and funded at once while preparing: quick, without a burst the ledger would notice.</summary>
    private const int PrepareParallelism = 8;

    private readonly WorkloadLedgerClient _ledger;
    private readonly TimeProvider _timeProvider;
    private readonly Random _random;
    private readonly WorkloadOptions _options;
    private readonly ILoggerFactory _loggerFactory;

    /// <param name="clients">Must hold <see cref="WorkloadLedgerClient.Name"/> (<c>AddDrillWorkload</c> registers it).</param>
    /// <param name="random">Drawn under a lock; pass a seeded one for a repeatable sequence of accounts and amounts.</param>
    public BankWorkloadFactory(
        IHttpClientFactory clients, TimeProvider timeProvider, Random random, IOptions<WorkloadOptions> options, ILoggerFactory loggerFactory)
    {
        _ledger = new WorkloadLedgerClient(clients);
        _timeProvider = timeProvider;
        _random = random;
        _options = options.Value;
        _loggerFactory = loggerFactory;
    }

    /// <summary>
    /// Opens <c>plan.Accounts</c> accounts (no overdraft) and one funding account (overdraft) on the primary ledger,
    /// and funds each account with <see cref="WorkloadOptions.OpeningBalance"/> through a keyed transfer
    /// (<c>drill-{runId}-fund-{i}</c>, so a retried funding posts once). <paramref name="runStartedAt"/> is second 0
    /// of the timeline. Throws <see cref="WorkloadPreparationException"/>, saying what the ledger answered, when it cannot.
    /// </summary>
    /// <param name="runId">Part of every account name and Idempotency-Key: printable ASCII without spaces, at most 100 characters.</param>
    public async Task<BankWorkload> PrepareAsync(string runId, WorkloadPlan plan, DateTimeOffset runStartedAt, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(runId) || runId.Length > 100 || runId.Any(c => c is <= ' ' or > '~'))
        {
            throw new ArgumentException("A run id is 1–100 printable ASCII characters without spaces: it goes into Idempotency-Keys.", nameof(runId));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(plan.Accounts, 2, nameof(plan));
        ArgumentOutOfRangeException.ThrowIfLessThan(plan.RatePerSecond, 1, nameof(plan));
        ArgumentOutOfRangeException.ThrowIfLessThan(plan.Clients, 1, nameof(plan));

        var funding = await _ledger.CreateAccountAsync($"drill-{runId}-funding", allowOverdraft: true, cancellationToken);
        var accounts = new Guid[plan.Accounts];
        var fundingKeys = Enumerable.Range(0, plan.Accounts).Select(i => $"drill-{runId}-fund-{i}").ToArray();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, plan.Accounts),
            new ParallelOptions { MaxDegreeOfParallelism = PrepareParallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                accounts[i] = await _ledger.CreateAccountAsync($"drill-{runId}-{i.ToString("D4", CultureInfo.InvariantCulture)}", allowOverdraft: false, token);
                await _ledger.FundAsync(funding, accounts[i], _options.OpeningBalance, fundingKeys[i], token);
            });

        return new BankWorkload(
            runId, plan, accounts, funding, fundingKeys, _options.OpeningBalance * plan.Accounts, runStartedAt, _ledger, _options, _random,
            _timeProvider, _loggerFactory.CreateLogger<BankWorkload>());
    }
}
