using AtlasBank.LedgerDr.Ledger;
using AtlasBank.LedgerDr.Transfers;

namespace AtlasBank.Chaos.Tests.Ledger;

public sealed class TransferValidationTests
{
    private static readonly Guid From = Guid.NewGuid();
    private static readonly Guid To = Guid.NewGuid();

    [Fact]
    public void AValidTransferHasNoErrors()
    {
        var errors = TransfersApi.Validate(new TransferRequest(From, To, 10.25m, "rent"), "key-1");

        Assert.False(errors.Any);
    }

    [Fact]
    public void EveryBadFieldIsNamedAtOnce()
    {
        var errors = TransfersApi.Validate(new TransferRequest(null, Guid.Empty, 0m, new string('x', 501)), "has space").ToDictionary();

        Assert.Equal(["Idempotency-Key", "amount", "fromAccountId", "reference", "toAccountId"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    public void ATransferWithoutAnIdempotencyKeyIsRejectedNamingTheHeader(string? key)
    {
        var errors = TransfersApi.Validate(new TransferRequest(From, To, 10m, null), key).ToDictionary();

        Assert.Equal(["Idempotency-Key"], errors.Keys);
    }

    [Fact]
    public void AnIdempotencyKeyLongerThanTheLimitIsRejected()
    {
        var errors = TransfersApi.Validate(new TransferRequest(From, To, 10m, null), new string('k', TransfersApi.MaxIdempotencyKeyLength + 1)).ToDictionary();

        Assert.Equal(["Idempotency-Key"], errors.Keys);
    }

    [Theory]
    [InlineData("0.001")]
    [InlineData("-1")]
    [InlineData("1000000000000.01")]
    public void AmountsABankCannotPostAreRejected(string amount)
    {
        var errors = TransfersApi.Validate(new TransferRequest(From, To, decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), null), null);

        Assert.Contains("amount", errors.ToDictionary().Keys);
    }

    [Fact]
    public void IdempotencyRequestHashIgnoresTheKeyButNotTheAmount()
    {
        var first = new TransferCommand(From, To, 5m, null, "a");
        Assert.Equal(first.RequestHash, (first with { IdempotencyKey = "b" }).RequestHash);
        Assert.Equal(first.RequestHash, (first with { Amount = 5.00m }).RequestHash);
        Assert.NotEqual(first.RequestHash, (first with { Amount = 5.01m }).RequestHash);
    }
}
