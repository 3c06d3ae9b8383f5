namespace AtlasBank.Chaos.AppHost.RedisAcl;

/// <summary>
/// One Redis ACL user: its name and its rules — everything of an <c>ACL SETUSER</c> after the
/// password: key patterns (<c>~</c> read and write, <c>%R~</c> read only), channel patterns (<c>&amp;</c>), commands,
/// and selectors (<c>(...)</c>) that tie commands to the keys they may touch.
/// </summary>
public sealed record RedisAclUser(string Name, IReadOnlyList<string> Rules)
{
    /// <summary>Name of the AppHost resource whose connection string logs in as this user: <c>redis-{name}</c>.</summary>
    public string ConnectionName => $"redis-{Name}";

    /// <summary>Name of the secret parameter holding this user's password: <c>redis-{name}-password</c>.</summary>
    public string PasswordParameterName => $"{ConnectionName}-password";

    /// <summary>
    /// The whole rule list with <paramref name="password"/> (<c>#sha256</c> or <c>&gt;clear</c>). It starts with
    /// <c>reset</c>, so the user has exactly these rights whatever the server's defaults.
    /// </summary>
    public IReadOnlyList<string> RulesWith(string password) => ["reset", "on", password, .. Rules];
}
