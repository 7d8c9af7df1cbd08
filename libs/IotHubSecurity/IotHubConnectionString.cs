using System.Diagnostics.CodeAnalysis;

namespace IotHubJobs.Security;

/// <summary>
/// <c>HostName=..;SharedAccessKeyName=..;SharedAccessKey=..</c> (or the device form with <c>DeviceId</c>):
/// parts separated by ';', each split at its first '=' because keys end in '='.
/// </summary>
public sealed record IotHubConnectionString(string HostName, string? SharedAccessKeyName, string SharedAccessKey,
    string? DeviceId = null)
{
    public static IotHubConnectionString Parse(string connectionString) =>
        TryParse(connectionString, out var parsed, out var reason) ? parsed : throw new FormatException(reason);

    public static bool TryParse(string? connectionString, [NotNullWhen(true)] out IotHubConnectionString? parsed,
        out string reason)
    {
        parsed = null;
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in (connectionString ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0)
                return Fail("A connection string part has no name=value form", out reason);
            parts[part[..equals].Trim()] = part[(equals + 1)..].Trim();
        }
        if (!parts.TryGetValue("HostName", out var host) || host.Length == 0)
            return Fail("The connection string has no HostName", out reason);
        if (!parts.TryGetValue("SharedAccessKey", out var key) || key.Length == 0)
            return Fail("The connection string has no SharedAccessKey", out reason);
        parts.TryGetValue("SharedAccessKeyName", out var keyName);
        parts.TryGetValue("DeviceId", out var deviceId);
        if (string.IsNullOrEmpty(keyName) && string.IsNullOrEmpty(deviceId))
            return Fail("The connection string has neither SharedAccessKeyName nor DeviceId", out reason);
        parsed = new IotHubConnectionString(host, NullIfEmpty(keyName), key, NullIfEmpty(deviceId));
        reason = "";
        return true;
    }

    public string ToConnectionString() => DeviceId is null
        ? $"HostName={HostName};SharedAccessKeyName={SharedAccessKeyName};SharedAccessKey={SharedAccessKey}"
        : $"HostName={HostName};DeviceId={DeviceId};SharedAccessKey={SharedAccessKey}";

    /// <summary>Never prints the key.</summary>
    public override string ToString() => DeviceId is null
        ? $"HostName={HostName};SharedAccessKeyName={SharedAccessKeyName};SharedAccessKey=***"
        : $"HostName={HostName};DeviceId={DeviceId};SharedAccessKey=***";

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool Fail(string why, out string reason)
    {
        reason = why;
        return false;
    }
}
