using System.Text.RegularExpressions;
using IotHubJobs.Contracts.Devices;

namespace DeviceGateway;

/// <summary>
/// The device gateway's settings (docs/devices.md, "Configuration"). <c>InstanceId</c> names this instance's queues
/// (<c>device-gateway-{instance}</c>) and its presence rows: unique per running instance, stable across its restarts.
/// </summary>
public sealed partial record DeviceGatewayOptions(
    string InstanceId,
    int MqttPort,
    string CertificateDirectory,
    string HostName,
    string? PoliciesFile,
    int PublishesPerSecond,
    int ConnectsPerSecondPerAddress,
    TimeSpan ActivityFlushInterval,
    TimeSpan TokenClockSkew)
{
    public string CallQueue => $"device-gateway-{InstanceId}";
    public string DesiredQueue => DeviceLayerQueues.DesiredChangesOf(CallQueue);

    public static DeviceGatewayOptions From(IConfiguration configuration, string contentRoot)
    {
        var instance = configuration["DeviceGateway:InstanceId"] is { Length: > 0 } configured ? configured : Environment.MachineName;
        return new DeviceGatewayOptions(
            InstanceId: Unsafe().Replace(instance.ToLowerInvariant(), "-"),
            MqttPort: configuration.GetValue("DeviceGateway:MqttPort", 8883),
            CertificateDirectory: configuration["DeviceGateway:CertificateDirectory"] is { Length: > 0 } directory
                ? Path.GetFullPath(directory) : Path.Combine(contentRoot, ".local", "certs"),
            HostName: configuration["IotHub:HostName"] is { Length: > 0 } host ? host.Trim() : "localhost",
            PoliciesFile: configuration["IotHub:PoliciesFile"] is { Length: > 0 } file ? file : null,
            PublishesPerSecond: Positive(configuration.GetValue("DeviceGateway:Limits:PublishesPerSecond", 100), "PublishesPerSecond"),
            ConnectsPerSecondPerAddress: Positive(configuration.GetValue("DeviceGateway:Limits:ConnectsPerSecondPerAddress", 200), "ConnectsPerSecondPerAddress"),
            ActivityFlushInterval: TimeSpan.FromSeconds(configuration.GetValue("DeviceGateway:ActivityFlushSeconds", 5.0)),
            // How long past its expiry a device token is still taken, and its connection kept: IoT Hub's five minutes.
            TokenClockSkew: TimeSpan.FromSeconds(configuration.GetValue("DeviceGateway:TokenClockSkewSeconds", 300.0)));
    }

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new InvalidOperationException($"DeviceGateway:Limits:{name} must be positive.");

    [GeneratedRegex("[^a-z0-9-]")]
    private static partial Regex Unsafe();
}
