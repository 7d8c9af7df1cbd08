using IotHubJobs.Security;

namespace Benchmark;

/// <summary>
/// The hub's address, CA and owner connection string, and the device gateway's MQTT port (null for a hub written before
/// the device gateway existed), as ./run.sh writes them to hub.env.
/// </summary>
public sealed record HubEnv(Uri Url, string CaCertificatePath, IotHubConnectionString Connection, int? MqttPort)
{
    public static HubEnv Load(string path)
    {
        var values = File.ReadAllLines(path).Where(l => l.Contains('='))
            .ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);
        var repoRoot = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, "..", ".."));
        var ca = values["HUB_CA_CERT"];
        if (!Path.IsPathRooted(ca)) ca = Path.Combine(Directory.GetCurrentDirectory(), ca);
        return new HubEnv(new Uri(values["HUB_URL"]), File.Exists(ca) ? ca : Path.Combine(repoRoot, values["HUB_CA_CERT"]),
            IotHubConnectionString.Parse(values["IOTHUB_CONNECTION_STRING"]),
            values.TryGetValue("HUB_MQTT_PORT", out var port) ? int.Parse(port) : null);
    }
}
