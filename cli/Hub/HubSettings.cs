using IotHubJobs.Security;

namespace IotHubJobs.Cli.Hub;

/// <summary>
/// Where the hub is and how to sign in, read once per run. Each setting comes from the environment first, then from a
/// hub.env file: the one <c>IOTJOBS_HUB_ENV</c> names (the launcher run.sh writes sets it), else the nearest
/// <c>.local/hub.env</c> in the working folder or above it. A relative <c>HUB_CA_CERT</c> in the file is relative to the
/// checkout the file belongs to (the folder above <c>.local</c>), as run.sh writes it.
/// </summary>
public sealed record HubSettings(IotHubConnectionString Connection, Uri BaseAddress, string? CaCertificatePath, string Source)
{
    public const string ConnectionStringVariable = "IOTHUB_CONNECTION_STRING";
    public const string CaCertificateVariable = "HUB_CA_CERT";
    public const string UrlVariable = "HUB_URL";
    public const string HubEnvVariable = "IOTJOBS_HUB_ENV";

    public static HubSettings Load(Func<string, string?> environment, string workingDirectory)
    {
        var file = FindHubEnv(environment, workingDirectory);
        var fromFile = file is null ? new Dictionary<string, string>() : HubEnvFile.Parse(File.ReadAllText(file));
        string? Get(string key) => environment(key) is { Length: > 0 } value ? value
            : fromFile.TryGetValue(key, out var inFile) && inFile.Length > 0 ? inFile : null;

        var connectionString = Get(ConnectionStringVariable) ?? throw new HubNotConfiguredException(
            $"No hub configured: set {ConnectionStringVariable} (and {CaCertificateVariable}), or run ./run.sh, which writes .local/hub.env");
        if (!IotHubConnectionString.TryParse(connectionString, out var connection, out var reason))
            throw new HubNotConfiguredException($"{ConnectionStringVariable} is not a connection string: {reason}");
        if (connection.SharedAccessKeyName is null)
            throw new HubNotConfiguredException($"{ConnectionStringVariable} is a device connection string; iotjobs needs a hub policy's (SharedAccessKeyName=...)");

        var url = Get(UrlVariable) ?? $"https://{connection.HostName}";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme != Uri.UriSchemeHttps)
            throw new HubNotConfiguredException($"{UrlVariable} must be an https:// URL");

        var ca = Get(CaCertificateVariable);
        if (ca is not null && !Path.IsPathRooted(ca))
        {
            var root = environment(CaCertificateVariable) is { Length: > 0 } || file is null
                ? workingDirectory
                : Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(file)))!;
            ca = Path.GetFullPath(Path.Combine(root, ca));
        }
        return new HubSettings(connection, baseAddress, ca, file ?? "environment");
    }

    private static string? FindHubEnv(Func<string, string?> environment, string workingDirectory)
    {
        if (environment(HubEnvVariable) is { Length: > 0 } named) return File.Exists(named) ? Path.GetFullPath(named) : null;
        for (var dir = new DirectoryInfo(workingDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".local", "hub.env");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}

/// <summary>No usable hub settings: nothing was sent anywhere.</summary>
public sealed class HubNotConfiguredException(string message) : Exception(message);
