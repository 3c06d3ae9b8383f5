namespace AtlasBank.Chaos.AppHost.RedisAcl;

/// <summary>
/// The ACL users as <c>redis-server</c> arguments for Aspire's Redis container, which runs
/// <c>/bin/sh -c "redis-server --requirepass $REDIS_PASSWORD ..."</c>: each user is a <c>--user</c> directive, each
/// rule one single-quoted word (patterns and selectors reach Redis as written), and each password a variable the
/// shell expands from the container's environment, so no password is on the command line or in the manifest.
/// </summary>
public static class RedisAclCommandLine
{
    private const string PasswordPlaceholder = "\0password";

    public static IReadOnlyList<string> ShellWords(IEnumerable<RedisUserCredential> users) =>
    [
        .. users.SelectMany(credential => (string[])
        [
            "--user",
            Quote(credential.User.Name),
            .. credential.User.RulesWith(PasswordPlaceholder)
                .Select(rule => rule == PasswordPlaceholder ? $"\">${credential.EnvironmentVariable}\"" : Quote(rule)),
        ]),
    ];

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
