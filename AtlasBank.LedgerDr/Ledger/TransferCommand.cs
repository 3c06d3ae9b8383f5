using System.Security.Cryptography;
using System.Text;

namespace AtlasBank.LedgerDr.Ledger;

public sealed record TransferCommand(Guid FromAccountId, Guid ToAccountId, decimal Amount, string? Reference, string? IdempotencyKey)
{
    /// <summary>What makes two requests "the same" for idempotency.</summary>
    public string RequestHash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('|', FromAccountId, ToAccountId, Amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), Reference ?? string.Empty))));
}
