using System.Globalization;
using System.Text;

namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>The libpq connection string of DR's subscription to the primary: no password (see <see cref="SubscriptionPassfile"/>).</summary>
public static class SubscriptionConnectionInfo
{
    public static string Format(string host, int port, string database, string user, string applicationName)
    {
        (string Key, string Value)[] parts =
        [
            ("host", host),
            ("port", port.ToString(CultureInfo.InvariantCulture)),
            ("dbname", database),
            ("user", user),
            ("application_name", applicationName),
        ];

        var builder = new StringBuilder();
        foreach (var (key, value) in parts)
        {
            builder.Append(builder.Length == 0 ? string.Empty : " ")
                .Append(key).Append("='")
                .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal))
                .Append('\'');
        }

        return builder.ToString();
    }
}
