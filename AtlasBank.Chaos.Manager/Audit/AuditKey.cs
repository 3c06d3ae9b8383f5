using System.Globalization;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// The audit key as configured: hex, at least <see cref="MinimumBytes"/> bytes (<c>openssl rand -hex 32</c>). Hex
/// rather than base64 because a hex string is also valid base64: one format leaves no doubt which bytes are the key.
/// </summary>
public static class AuditKey
{
    public const int MinimumBytes = 32;

    /// <summary>The key's bytes, or why the text is not a usable key (never the key itself).</summary>
    public static bool TryParse(string? text, out byte[] key, out string error)
    {
        key = [];
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "is required: the audit chain is MACed under it (hex, e.g. `openssl rand -hex 32`).";
            return false;
        }

        if (text.Length % 2 != 0 || !text.All(char.IsAsciiHexDigit))
        {
            error = "must be hex (0-9, a-f), an even number of digits.";
            return false;
        }

        var bytes = Convert.FromHexString(text);
        if (bytes.Length < MinimumBytes)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"must be at least {MinimumBytes} bytes ({MinimumBytes * 2} hex digits); it has {bytes.Length}.");
            return false;
        }

        // Length cannot measure entropy, but a key of one repeated byte is certainly a placeholder.
        if (bytes.All(b => b == bytes[0]))
        {
            error = "is one repeated byte: a placeholder, not a key.";
            return false;
        }

        key = bytes;
        error = string.Empty;
        return true;
    }

    public static byte[] Parse(string? text) =>
        TryParse(text, out var key, out var error) ? key : throw new InvalidOperationException($"{AuditOptions.SectionName}:Key {error}");
}
