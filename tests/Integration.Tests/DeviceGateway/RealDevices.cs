using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using IotHubJobs.Presence;
using IotHubJobs.Registry;
using MQTTnet;

namespace Integration.Tests.DeviceGateway;

/// <summary>Registers devices with keys of the spec's choosing through the hub, and connects them to a device gateway.</summary>
public sealed class RealDevices(SystemUnderTest system)
{
    public string CaPath => Path.Combine(system.CertificateDirectory, "ca.pem");

    public sealed record Registered(string DeviceId, string PrimaryKey, string SecondaryKey)
    {
        public string Token(TimeSpan? validFor = null) => DeviceToken.Create(DeviceId, PrimaryKey, DateTimeOffset.UtcNow + (validFor ?? TimeSpan.FromHours(1)));
    }

    public async Task<Registered> RegisterAsync(string prefix, string status = "enabled")
    {
        var id = $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];
        var (primary, secondary) = (DeviceToken.NewKey(), DeviceToken.NewKey());
        (await system.Hub.PutAsync($"/devices/{id}", new JsonObject
        {
            ["deviceId"] = id,
            ["status"] = status,
            ["authentication"] = new JsonObject { ["symmetricKey"] = new JsonObject { ["primaryKey"] = primary, ["secondaryKey"] = secondary } },
        })).EnsureStatus(HttpStatusCode.OK);
        return new Registered(id, primary, secondary);
    }

    public Task<MqttDevice> ConnectAsync(Registered device, int? port = null, bool cleanSession = false) =>
        MqttDevice.ConnectAsync(CaPath, port ?? system.MqttPort, device.DeviceId, device.Token(), cleanSession);

    public Task<(MqttDevice? Device, MqttClientConnectResultCode Code)> TryConnectAsync(string deviceId, string password, string? userName = null) =>
        MqttDevice.TryConnectAsync(CaPath, system.MqttPort, deviceId, password, userName: userName);

    public async Task<JsonNode> TwinAsync(string deviceId) => (await system.Hub.GetAsync($"/twins/{deviceId}")).EnsureStatus(HttpStatusCode.OK).Json;

    public async Task<JsonNode> IdentityAsync(string deviceId) => (await system.Hub.GetAsync($"/devices/{deviceId}")).EnsureStatus(HttpStatusCode.OK).Json;

    /// <summary>The routing answer the executor and jobs-api use (libs/Presence), read from the system's database.</summary>
    public Task<IReadOnlyDictionary<string, string>> HolderQueuesAsync(params string[] deviceIds) =>
        new DevicePresence(system.Database, new DeviceConnections(system.Database), new PresenceOptions(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4)), TimeProvider.System)
            .HolderQueuesAsync(deviceIds, CancellationToken.None);

    /// <summary>Polls until <paramref name="condition"/> holds; fails naming <paramref name="what"/> after a minute.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"Never happened: {what}");
            await Task.Delay(200);
        }
    }

    /// <summary>The queue of the device-gateway instance named <paramref name="instance"/>.</summary>
    public static string Queue(string instance) => $"device-gateway-{instance}";
}
