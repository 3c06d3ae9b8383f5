namespace AtlasBank.Chaos.Tests.Security;

/// <summary>One generated bad request.</summary>
public sealed record FuzzCase(string Description, string Method, string Path, string? Body, string? ContentType, string? Key);

/// <summary>
/// Bad requests of every kind a careless script or a hostile caller sends: wrong types, NaN and Infinity,
/// huge and negative numbers, oversized bodies, control and unicode characters and path traversal in names,
/// missing and duplicate fields, wrong content types, and no, wrong or under-privileged keys. Deterministic:
/// the same seed gives the same requests.
/// </summary>
public static class FuzzCases
{
    private static readonly string[] BadServiceNames =
    [
        "", " ", "../../etc/passwd", "..%2F..%2Fetc", "/etc/passwd", "ledger\u0000", "led\nger", "ledger\r\n",
        "led\u200Bger", "ＬＥＤＧＥＲ", "😀", "ledger;DROP TABLE chaos_audit", "-ledger", "ledger-", "led ger", "le\\dger",
        new string('a', 64), new string('x', 5000), "ledger/../payments", "%00",
    ];

    private static readonly string[] BadValues =
    [
        "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "99999999999999999999999", "-1", "\"NaN\"", "\"1\"", "true", "null",
        "[]", "{}", "1.5", "\"\"", "2147483648", "-2147483649",
    ];

    private static readonly string[] Fields = ["FailureRate", "DelayMs", "RetryCount", "DurationSeconds"];

    private static readonly string[] WrongContentTypes = ["application/xml", "multipart/form-data; boundary=x", "image/png", "application/octet-stream"];

    public static IEnumerable<FuzzCase> Generate(int seed)
    {
        var random = new Random(seed);
        var operatorKey = AtlasAppFixture.OperatorKey;

        foreach (var name in BadServiceNames)
        {
            var json = System.Text.Json.JsonSerializer.Serialize(name);
            yield return new($"enable with service {Escape(name)}", "POST", "/chaos/enable", $$"""{"Service":{{json}},"Mode":"latency","DelayMs":5}""", "application/json", operatorKey);
            yield return new($"disable {Escape(name)}", "POST", "/chaos/disable", json, "application/json", operatorKey);
            yield return new($"inject {Escape(name)}", "GET", $"/chaos/inject?service={Uri.EscapeDataString(name)}", null, null, operatorKey);
            yield return new($"bulk-disable {Escape(name)}", "POST", "/chaos/bulk-disable", $"[{json}]", "application/json", operatorKey);
        }

        foreach (var field in Fields)
        {
            foreach (var value in BadValues)
            {
                var mode = field == "FailureRate" ? "failure" : "latency";
                var delay = field == "DelayMs" ? string.Empty : "\"DelayMs\":5,";
                var rate = field == "FailureRate" ? string.Empty : "\"FailureRate\":0.5,";
                var body = $$"""{"Service":"fuzz-target","Mode":"{{mode}}",{{delay}}{{rate}}"{{field}}":{{value}}}""";
                if (IsValid(field, value))
                {
                    continue;
                }

                yield return new($"enable {field}={value}", "POST", "/chaos/enable", body, "application/json", operatorKey);
            }
        }

        string[] structural =
        [
            "", "{", "}", "[", "{\"Service\":}", "{\"Service\":\"fuzz-target\"", "null", "42", "\"fuzz-target\"", "[1,2,3]",
            """{"Mode":"latency","DelayMs":5}""", """{"Service":"fuzz-target","DelayMs":5}""", """{"Service":"fuzz-target","Mode":"latency"}""",
            """{"Service":"fuzz-target","Mode":"failure"}""", """{"Service":"fuzz-target","Service":"other","Mode":"latency","DelayMs":5}""",
            """{"Service":"fuzz-target","Mode":"latency","DelayMs":5,"Extra":1}""", """{"service":"fuzz-target","SERVICE":"x","Mode":"latency","DelayMs":5}""",
            """{"Service":"fuzz-target","Mode":"latency","DelayMs":5,"TargetUrl":"javascript:alert(1)"}""",
            """{"Service":"fuzz-target","Mode":"latency","DelayMs":5,"TargetUrl":"file:///etc/passwd"}""",
            """{"Service":"fuzz-target","Mode":"latency","DelayMs":5,"TargetUrl":"//no-scheme/health"}""",
            """{"Service":"fuzz-target","Mode":"LATENCY ","DelayMs":5}""", """{"Service":["fuzz-target"],"Mode":"latency","DelayMs":5}""",
            """{"Service":{"Name":"fuzz-target"},"Mode":"latency","DelayMs":5}""", "\uFEFF{\"Service\":", "{\"Service\":\"a\u0000b\"}",
        ];
        foreach (var body in structural)
        {
            yield return new($"enable body {Escape(body)}", "POST", "/chaos/enable", body, "application/json", operatorKey);
            yield return new($"bulk-enable body [{Escape(body)}]", "POST", "/chaos/bulk-enable", body.Length == 0 ? "[" : $"[{body}", "application/json", operatorKey);
        }

        yield return new("bulk-enable with 51 items", "POST", "/chaos/bulk-enable",
            "[" + string.Join(",", Enumerable.Range(0, 51).Select(i => $$"""{"Service":"fuzz-{{i}}","Mode":"latency","DelayMs":5}""")) + "]", "application/json", operatorKey);
        yield return new("bulk-enable with duplicate services", "POST", "/chaos/bulk-enable",
            """[{"Service":"fuzz-a","Mode":"latency","DelayMs":5},{"Service":"fuzz-a","Mode":"latency","DelayMs":6}]""", "application/json", operatorKey);
        yield return new("bulk-enable with one bad item among good", "POST", "/chaos/bulk-enable",
            """[{"Service":"fuzz-a","Mode":"latency","DelayMs":5},{"Service":"fuzz-b","Mode":"latency","DelayMs":-5}]""", "application/json", operatorKey);
        yield return new("bulk-disable with 51 names", "POST", "/chaos/bulk-disable",
            "[" + string.Join(",", Enumerable.Range(0, 51).Select(i => $"\"fuzz-{i}\"")) + "]", "application/json", operatorKey);
        yield return new("bulk-disable with an empty array", "POST", "/chaos/bulk-disable", "[]", "application/json", operatorKey);
        yield return new("bulk-disable with numbers", "POST", "/chaos/bulk-disable", "[1,2]", "application/json", operatorKey);
        yield return new("oversized enable body", "POST", "/chaos/enable",
            $$"""{"Service":"fuzz-target","Mode":"latency","DelayMs":5,"TargetUrl":"http://x/{{new string('a', 200_000)}}"}""", "application/json", operatorKey);
        yield return new("halt with a number as reason", "POST", "/chaos/halt", """{"Reason":5}""", "application/json", operatorKey);
        yield return new("halt with a control-character reason", "POST", "/chaos/halt", "{\"Reason\":\"a\\u0007b\"}", "application/json", operatorKey);

        foreach (var contentType in WrongContentTypes)
        {
            yield return new($"enable as {contentType}", "POST", "/chaos/enable", """{"Service":"fuzz-target","Mode":"latency","DelayMs":5}""", contentType, operatorKey);
            yield return new($"disable as {contentType}", "POST", "/chaos/disable", "\"fuzz-target\"", contentType, operatorKey);
        }

        string[] badAuditQueries = ["page=0", "pageSize=0", "pageSize=100000", "outcome=maybe", "from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z", "from=yesterday", "page=-5", "pageSize=abc"];
        foreach (var query in badAuditQueries)
        {
            yield return new($"audit ?{query}", "GET", $"/chaos/audit?{query}", null, null, operatorKey);
        }

        // Identities that must be refused, on a valid-looking change: each of these is audited as denied.
        const string valid = """{"Service":"fuzz-target","Mode":"latency","DelayMs":5}""";
        string?[] refused = [null, "", "wrong-key", AtlasAppFixture.ViewerKey, AtlasAppFixture.OperatorKey + "x", "Bearer " + AtlasAppFixture.AdminKey];
        foreach (var key in refused)
        {
            yield return new($"enable with key '{key}'", "POST", "/chaos/enable", valid, "application/json", key);
            yield return new($"disable-all with key '{key}'", "POST", "/chaos/disable-all", null, null, key);
        }

        yield return new("viewer lifts the halt", "DELETE", "/chaos/halt", null, null, AtlasAppFixture.ViewerKey);
        yield return new("operator verifies the audit", "GET", "/chaos/audit/verify", null, null, AtlasAppFixture.OperatorKey);

        // Random mixes of the above ingredients, to reach places no list names.
        for (var i = 0; i < 40; i++)
        {
            var name = System.Text.Json.JsonSerializer.Serialize(BadServiceNames[random.Next(BadServiceNames.Length)]);
            var field = Fields[random.Next(Fields.Length)];
            var value = BadValues[random.Next(BadValues.Length)];
            yield return new($"random mix {i}", "POST", random.Next(2) == 0 ? "/chaos/enable" : "/chaos/bulk-enable",
                random.Next(2) == 0
                    ? $$"""{"Service":{{name}},"Mode":"failure","FailureRate":0.5,"{{field}}":{{value}}}"""
                    : $$"""[{"Service":{{name}},"Mode":"latency","DelayMs":{{value}}}]""",
                "application/json", operatorKey);
        }
    }

    /// <summary>Leaving an optional field out (null) is fine; every other listed value is bad for every field.</summary>
    private static bool IsValid(string field, string value) => value == "null" && field is "RetryCount" or "DurationSeconds";

    private static string Escape(string value) => value.Length > 40 ? value[..40] + "…" : value.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\0", "\\0", StringComparison.Ordinal);
}
