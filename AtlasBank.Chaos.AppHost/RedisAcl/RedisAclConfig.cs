using System.Security.Cryptography;
using System.Text;

namespace AtlasBank.Chaos.AppHost.RedisAcl;

/// <summary>
/// The <c>user</c> directives of a local <c>redis-server</c>'s configuration file (owner-only, like the rest of it).
/// Passwords are written as their SHA-256 (<c>#hash</c>), so the file holds no service's password.
/// </summary>
public static class RedisAclConfig
{
    public static async Task<IReadOnlyList<string>> UserDirectivesAsync(IEnumerable<RedisUserCredential> credentials, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        foreach (var credential in credentials)
        {
            var password = await credential.Password.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The parameter '{credential.Password.Name}' has no value.");
            lines.Add(UserDirective(credential.User, "#" + Sha256Hex(password)));
        }

        return lines;
    }

    /// <summary>One <c>user</c> line; every rule is quoted, so a selector's spaces stay inside it.</summary>
    public static string UserDirective(RedisAclUser user, string password) =>
        $"user {user.Name} {string.Join(' ', user.RulesWith(password).Select(Quote))}";

    public static string Sha256Hex(string password) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    private static string Quote(string rule) =>
        "\"" + rule.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
