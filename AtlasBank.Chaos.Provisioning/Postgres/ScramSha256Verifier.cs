using System.Security.Cryptography;
using System.Text;

namespace AtlasBank.Chaos.Provisioning.Postgres;

/// <summary>
/// The SCRAM-SHA-256 verifier PostgreSQL stores for a password (RFC 5802, RFC 7677), in its
/// <c>SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey</c> form. Computed here, so that
/// <c>CREATE ROLE … PASSWORD '…'</c> carries the verifier and never the password: PostgreSQL logs a failing
/// statement's text, and a verifier does not log anyone in.
/// </summary>
public static class ScramSha256Verifier
{
    /// <summary>PostgreSQL's default (<c>scram_iterations</c> in 16, fixed in 15).</summary>
    public const int DefaultIterations = 4096;

    /// <summary>PostgreSQL's salt length.</summary>
    public const int SaltLength = 16;

    public static string Compute(string password) => Compute(password, RandomNumberGenerator.GetBytes(SaltLength), DefaultIterations);

    public static string Compute(string password, ReadOnlySpan<byte> salt, int iterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        // SASLprep maps and normalises non-ASCII text; on printable ASCII it changes nothing. Passwords outside
        // it are refused rather than hashed differently from what PostgreSQL would check at login.
        if (password.Length == 0 || !password.All(c => c is >= ' ' and <= '~'))
        {
            throw new ArgumentException("A database role password must be non-empty printable ASCII.", nameof(password));
        }

        var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, SHA256.HashSizeInBytes);
        var clientKey = HMACSHA256.HashData(saltedPassword, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(saltedPassword, "Server Key"u8);
        return $"SCRAM-SHA-256${iterations.ToString(System.Globalization.CultureInfo.InvariantCulture)}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
