using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AtlasBank.LedgerDr.Ledger;

namespace AtlasBank.Chaos.Tests.Ledger;

/// <summary>Typed calls to a ledger service, as a client application would make them.</summary>
public sealed class LedgerClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public HttpClient Http => http;

    public async Task<Account> CreateAccountAsync(string name, string currency = "EUR", bool allowOverdraft = false)
    {
        using var response = await http.PostAsJsonAsync("/accounts", new { name, currency, allowOverdraft }, Json);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<Account>(Json))!;
    }

    /// <summary>A funding account (overdraft allowed) and a customer account funded with <paramref name="opening"/>.</summary>
    public async Task<(Account Funding, Account Customer)> CreateFundedPairAsync(decimal opening)
    {
        var funding = await CreateAccountAsync($"funding-{Guid.NewGuid():N}", allowOverdraft: true);
        var customer = await CreateAccountAsync($"customer-{Guid.NewGuid():N}");
        using var response = await PostTransferAsync(funding.Id, customer.Id, opening);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (funding, customer);
    }

    /// <summary>Posts a transfer under a fresh key and requires it acknowledged (201): the transfer as the ledger answered it.</summary>
    public async Task<Transfer> PostAcknowledgedAsync(Guid from, Guid to, decimal amount)
    {
        using var response = await PostTransferAsync(from, to, amount);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<Transfer>(Json))!;
    }

    /// <summary>A fresh key: one per logical transfer, as the ledger requires.</summary>
    public static string NewIdempotencyKey() => $"pay-{Guid.NewGuid():N}";

    /// <param name="idempotencyKey">Pass one to retry a transfer; without it the transfer gets a fresh key.</param>
    public Task<HttpResponseMessage> PostTransferAsync(Guid from, Guid to, decimal amount, string? idempotencyKey = null, string? reference = null) =>
        PostRawTransferAsync(JsonContent.Create(new { fromAccountId = from, toAccountId = to, amount, reference }, options: Json), idempotencyKey ?? NewIdempotencyKey());

    /// <param name="idempotencyKey">Sent as given; <see langword="null"/> sends no header at all.</param>
    public async Task<HttpResponseMessage> PostRawTransferAsync(HttpContent content, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/transfers") { Content = content };
        if (idempotencyKey is not null)
        {
            // Without validation, so tests can send the malformed keys the ledger must refuse.
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return await http.SendAsync(request);
    }

    public async Task<Account?> GetAccountAsync(Guid id)
    {
        using var response = await http.GetAsync($"/accounts/{id}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : await HttpJson.ReadAsync<Account>(response);
    }

    public async Task<IReadOnlyList<Entry>> GetEntriesAsync(Guid accountId)
    {
        using var response = await http.GetAsync($"/accounts/{accountId}/entries");
        return await HttpJson.ReadAsync<List<Entry>>(response);
    }

    public async Task<LedgerChecksum> GetChecksumAsync()
    {
        using var response = await http.GetAsync("/ledger/checksum");
        return await HttpJson.ReadAsync<LedgerChecksum>(response);
    }

    /// <summary>Polls until the account exists with the expected balance; returns how long that took.</summary>
    public Task<TimeSpan> WaitForBalanceAsync(Guid accountId, decimal balance, TimeSpan timeout) =>
        Eventually.TrueAsync(
            async () => await GetAccountAsync(accountId) is { } account && account.Balance == balance,
            timeout,
            async () =>
            {
                var last = await GetAccountAsync(accountId);
                return $"Account {accountId} did not reach balance {balance} within {timeout}; last seen: {last?.Balance.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "absent"}.";
            });
}
