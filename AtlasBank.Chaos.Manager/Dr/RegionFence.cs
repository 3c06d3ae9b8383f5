using AtlasBank.Chaos.Manager.Dr.Databases;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Fences a region that is losing the write role, twice over: its database revokes the ledger's write grant and
/// ends its sessions (where the database answers), and its ledger confirms it follows the new routing epoch and
/// refuses writes (where the ledger answers).
/// </summary>
public sealed class RegionFence(LedgerRegionDatabases databases, RegionLedgers ledgers, IOptions<DrOptions> options, TimeProvider timeProvider)
{
    public async Task<FenceResult> FenceAsync(string region, long epoch, CancellationToken cancellationToken)
    {
        string? lsn = null;
        string? databaseError = null;
        try
        {
            lsn = await databases[region].FenceWritesAsync(epoch, cancellationToken);
        }
        catch (RegionDatabaseUnavailableException ex)
        {
            databaseError = ex.Message;
        }
        catch (RegionRefusedException ex)
        {
            // The region records a newer epoch than this switch's: the routing it started from is stale.
            throw new DrUnavailableException($"{region} was not fenced at epoch {epoch}: {ex.Message}", innerException: ex);
        }

        var confirmed = await LedgerConfirmsAsync(region, epoch, cancellationToken);
        var detail = (lsn, confirmed) switch
        {
            ({ }, true) => $"{region}'s database revoked its ledger's writes at {lsn}, and its ledger confirmed epoch {epoch} and refuses writes.",
            ({ }, _) => $"{region}'s database revoked its ledger's writes at {lsn}; its ledger {(confirmed is null ? "did not answer" : "had not confirmed yet")}.",
            (null, true) => $"{region}'s ledger confirmed epoch {epoch} and refuses writes; its database did not answer ({databaseError}), and the fence keeper revokes its writes when it does.",
            (null, false) => $"{region}'s ledger still takes writes and its database did not answer ({databaseError}).",
            (null, null) => $"Neither {region}'s ledger nor its database answered ({databaseError}); the fence keeper revokes its writes when the database does.",
        };
        return new FenceResult(lsn is not null, lsn, confirmed, detail);
    }

    /// <summary>True when the ledger reports the epoch, refuses writes and has none in flight; false when it answers otherwise until the bound; null when it never answers.</summary>
    private async Task<bool?> LedgerConfirmsAsync(string region, long epoch, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + options.Value.FenceConfirmTimeout;
        bool? answered = null;
        while (true)
        {
            var remaining = deadline - timeProvider.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return answered;
            }

            if (await ledgers.ReadRoleAsync(region, remaining, cancellationToken) is { } role)
            {
                // Refusing new writes is not enough: the ones it let through before must have finished too.
                if (role.Epoch >= epoch && !role.Writable && role.WritesInFlight == 0)
                {
                    return true;
                }

                answered = false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), timeProvider, cancellationToken);
        }
    }
}

/// <param name="DatabaseFenced">The region's database revoked its ledger's writes.</param>
/// <param name="Lsn">Its WAL position just after the fence.</param>
/// <param name="LedgerConfirmed">Its ledger confirmed it refuses writes (null: it did not answer).</param>
public sealed record FenceResult(bool DatabaseFenced, string? Lsn, bool? LedgerConfirmed, string Detail)
{
    /// <summary>Writes on the region are known impossible.</summary>
    public bool Fenced => DatabaseFenced || LedgerConfirmed is true;

    /// <summary>The region's ledger answered that it still takes writes and its database could not be fenced: two writers would be possible.</summary>
    public bool StillWriting => !DatabaseFenced && LedgerConfirmed is false;
}
