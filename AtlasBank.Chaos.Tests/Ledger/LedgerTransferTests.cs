using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AtlasBank.LedgerDr.Ledger;

namespace AtlasBank.Chaos.Tests.Ledger;

[Collection(AtlasAppTests.Name)]
public sealed class LedgerTransferTests(AtlasAppFixture fixture)
{
    private readonly LedgerClient _primary = new(fixture.CreateClient("ledgerapi"));

    [Fact]
    public async Task ReplayingATransferWithTheSameIdempotencyKeyPostsItOnce()
    {
        var (_, customer) = await _primary.CreateFundedPairAsync(100m);
        var merchant = await _primary.CreateAccountAsync($"merchant-{Guid.NewGuid():N}");
        var key = $"pay-{Guid.NewGuid():N}";

        using var first = await _primary.PostTransferAsync(customer.Id, merchant.Id, 30m, key);
        using var retry = await _primary.PostTransferAsync(customer.Id, merchant.Id, 30m, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(
            (await first.Content.ReadFromJsonAsync<Transfer>(LedgerClient.Json))!.Id,
            (await retry.Content.ReadFromJsonAsync<Transfer>(LedgerClient.Json))!.Id);
        Assert.Equal(30m, (await _primary.GetAccountAsync(merchant.Id))!.Balance);
        Assert.Single(await _primary.GetEntriesAsync(merchant.Id));
    }

    [Fact]
    public async Task ConcurrentRetriesWithOneIdempotencyKeyPostOnce()
    {
        var (_, customer) = await _primary.CreateFundedPairAsync(100m);
        var merchant = await _primary.CreateAccountAsync($"merchant-{Guid.NewGuid():N}");
        var key = $"pay-{Guid.NewGuid():N}";

        var responses = await Task.WhenAll(Enumerable.Range(0, 10)
            .Select(_ => _primary.PostTransferAsync(customer.Id, merchant.Id, 10m, key)));

        Assert.Single(responses, response => response.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, response => Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK));
        Assert.Equal(10m, (await _primary.GetAccountAsync(merchant.Id))!.Balance);
        Assert.Equal(90m, (await _primary.GetAccountAsync(customer.Id))!.Balance);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task ReusingAnIdempotencyKeyForADifferentTransferIsAConflict()
    {
        var (_, customer) = await _primary.CreateFundedPairAsync(100m);
        var merchant = await _primary.CreateAccountAsync($"merchant-{Guid.NewGuid():N}");
        var key = $"pay-{Guid.NewGuid():N}";

        using var first = await _primary.PostTransferAsync(customer.Id, merchant.Id, 10m, key);
        using var different = await _primary.PostTransferAsync(customer.Id, merchant.Id, 20m, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal(10m, (await _primary.GetAccountAsync(merchant.Id))!.Balance);
    }

    [Fact]
    public async Task OverdrawingAnAccountIsRefusedAndChangesNothing()
    {
        var (_, customer) = await _primary.CreateFundedPairAsync(50m);
        var merchant = await _primary.CreateAccountAsync($"merchant-{Guid.NewGuid():N}");

        using var response = await _primary.PostTransferAsync(customer.Id, merchant.Id, 50.01m);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(50m, (await _primary.GetAccountAsync(customer.Id))!.Balance);
        Assert.Empty(await _primary.GetEntriesAsync(merchant.Id));
    }

    public static TheoryData<string, string, HttpStatusCode, string> InvalidTransfers => new()
    {
        // name, JSON body ({from}, {to}, {unknown} are replaced), expected status, field named in the answer
        { "missing fields", "{}", HttpStatusCode.BadRequest, "amount" },
        { "missing debit account", """{"toAccountId":"{to}","amount":1}""", HttpStatusCode.BadRequest, "fromAccountId" },
        { "negative amount", """{"fromAccountId":"{from}","toAccountId":"{to}","amount":-5}""", HttpStatusCode.BadRequest, "amount" },
        { "zero amount", """{"fromAccountId":"{from}","toAccountId":"{to}","amount":0}""", HttpStatusCode.BadRequest, "amount" },
        { "fractions of a cent", """{"fromAccountId":"{from}","toAccountId":"{to}","amount":1.001}""", HttpStatusCode.BadRequest, "amount" },
        { "same account both sides", """{"fromAccountId":"{from}","toAccountId":"{from}","amount":1}""", HttpStatusCode.BadRequest, "toAccountId" },
        { "amount of the wrong type", """{"fromAccountId":"{from}","toAccountId":"{to}","amount":"lots"}""", HttpStatusCode.BadRequest, "amount" },
        { "malformed JSON", """{"fromAccountId":""", HttpStatusCode.BadRequest, "errors" },
        { "unknown debit account", """{"fromAccountId":"{unknown}","toAccountId":"{to}","amount":1}""", HttpStatusCode.NotFound, "{unknown}" },
        { "unknown credit account", """{"fromAccountId":"{from}","toAccountId":"{unknown}","amount":1}""", HttpStatusCode.NotFound, "{unknown}" },
    };

    [Theory]
    [MemberData(nameof(InvalidTransfers))]
    public async Task InvalidTransferIsRejectedWithProblemDetailsAndWritesNothing(string name, string body, HttpStatusCode expected, string named)
    {
        var (_, customer) = await _primary.CreateFundedPairAsync(20m);
        var merchant = await _primary.CreateAccountAsync($"merchant-{Guid.NewGuid():N}");
        var unknown = Guid.NewGuid().ToString();
        string Fill(string text) => text.Replace("{from}", customer.Id.ToString(), StringComparison.Ordinal)
            .Replace("{to}", merchant.Id.ToString(), StringComparison.Ordinal)
            .Replace("{unknown}", unknown, StringComparison.Ordinal);

        using var response = await _primary.PostRawTransferAsync(new StringContent(Fill(body), Encoding.UTF8, "application/json"), LedgerClient.NewIdempotencyKey());
        var answer = await response.Content.ReadAsStringAsync();

        Assert.True(expected == response.StatusCode, $"{name}: expected {expected}, got {(int)response.StatusCode} {answer}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(Fill(named), answer, StringComparison.Ordinal);
        using (var problem = JsonDocument.Parse(answer))
        {
            Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
        }

        Assert.Equal(20m, (await _primary.GetAccountAsync(customer.Id))!.Balance);
        Assert.Empty(await _primary.GetEntriesAsync(merchant.Id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("has space")]
    [InlineData("201 characters")]
    public async Task ATransferWithoutAUsableIdempotencyKeyIsRejectedNamingTheHeaderAndWritesNothing(string? key)
    {
        var (_, customer) = await _primary.CreateFundedPairAsync(20m);
        var merchant = await _primary.CreateAccountAsync($"merchant-{Guid.NewGuid():N}");
        var before = await _primary.GetChecksumAsync();
        if (key == "201 characters")
        {
            key = new string('k', 201);
        }

        using var response = await _primary.PostRawTransferAsync(
            JsonContent.Create(new { fromAccountId = customer.Id, toAccountId = merchant.Id, amount = 5m }, options: LedgerClient.Json), key);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using (var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
        }

        Assert.Equal(20m, (await _primary.GetAccountAsync(customer.Id))!.Balance);
        Assert.Empty(await _primary.GetEntriesAsync(merchant.Id));
        Assert.Equal(before.Transfers, (await _primary.GetChecksumAsync()).Transfers);
    }

    [Fact]
    public async Task InvalidAccountIsRejectedNamingEachBadField()
    {
        using var response = await _primary.Http.PostAsJsonAsync("/accounts", new { name = " ", currency = "euro" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("currency", out _));
    }

    [Fact]
    public async Task UnknownAccountIsNotFound()
    {
        using var response = await _primary.Http.GetAsync($"/accounts/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task DoubleEntryKeepsTheLedgerBalanced()
    {
        await _primary.CreateFundedPairAsync(12.34m);

        var checksum = await _primary.GetChecksumAsync();

        Assert.Equal(0m, checksum.TotalBalance);
        Assert.True(checksum.BalancesMatchEntries);
        Assert.Equal(checksum.Transfers * 2, checksum.Entries);
    }
}
