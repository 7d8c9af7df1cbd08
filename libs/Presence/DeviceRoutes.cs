using IotHubJobs.Contracts.Devices;
using IotHubJobs.Registry;

namespace IotHubJobs.Presence;

/// <summary>
/// Where a call to each device goes (docs/devices.md, "Presence and routing"): the queue of the live device-gateway
/// instance holding its connection; device-sim's queue for a simulated device (its tags hold <c>sim</c>) that is not
/// connected itself; nowhere for any other device — it is not online, as in IoT Hub.
/// </summary>
public sealed class DeviceRoutes(DevicePresence presence, DeviceRegistry registry, TimeProvider clock)
{
    /// <summary>How often a device not yet online is looked for again while its call's connect timeout runs.</summary>
    public static readonly TimeSpan ConnectPoll = TimeSpan.FromMilliseconds(500);

    /// <param name="ByQueue">The devices to send to each holder's queue.</param>
    /// <param name="NotOnline">Devices no holder reaches now.</param>
    public sealed record Routes(IReadOnlyDictionary<string, List<string>> ByQueue, IReadOnlyList<string> NotOnline);

    public async Task<Routes> RouteAsync(IReadOnlyList<string> deviceIds, CancellationToken ct)
    {
        var holders = await presence.HolderQueuesAsync(deviceIds, ct);
        var rest = deviceIds.Where(d => !holders.ContainsKey(d)).ToList();
        var simulated = await registry.SimulatedAmongAsync(rest, ct);
        var byQueue = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (device, queue) in holders) Add(byQueue, queue, device);
        foreach (var device in simulated) Add(byQueue, DeviceLayerQueues.SimulatedDevices, device);
        return new Routes(byQueue, rest.Where(d => !simulated.Contains(d)).ToList());
    }

    /// <summary>
    /// Routes the devices as they come online within <paramref name="connectTimeout"/>, handing each group to
    /// <paramref name="send"/> with the connect time still left; returns the devices that never came online (no call
    /// reached them — provably not online).
    /// </summary>
    public async Task<IReadOnlyList<string>> RouteAsTheyConnectAsync(IReadOnlyList<string> deviceIds, TimeSpan connectTimeout,
        Func<string, List<string>, TimeSpan, Task> send, CancellationToken ct)
    {
        var until = clock.GetUtcNow() + connectTimeout;
        IReadOnlyList<string> waiting = deviceIds;
        while (true)
        {
            var routes = await RouteAsync(waiting, ct);
            var left = until - clock.GetUtcNow();
            foreach (var (queue, devices) in routes.ByQueue) await send(queue, devices, left > TimeSpan.Zero ? left : TimeSpan.Zero);
            waiting = routes.NotOnline;
            if (waiting.Count == 0 || clock.GetUtcNow() + ConnectPoll > until) return waiting;
            await Task.Delay(ConnectPoll, clock, ct);
        }
    }

    /// <summary>
    /// Where desired-property changes go besides their event (docs/devices.md, "Twins"): to the desired-changes queue of
    /// each live device-gateway instance, the changes of the devices whose connections it holds. A device no instance
    /// holds is left out: it hears of the changes made while it is connected, and reads its twin when it connects.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, List<DeviceDesiredProperties>>> DesiredChangeQueuesAsync(
        IReadOnlyList<DeviceDesiredProperties> changes, CancellationToken ct)
    {
        var holders = await presence.HolderQueuesAsync(changes.Select(c => c.DeviceId).ToList(), ct);
        var byQueue = new Dictionary<string, List<DeviceDesiredProperties>>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            if (!holders.TryGetValue(change.DeviceId, out var holder)) continue;
            var queue = DeviceLayerQueues.DesiredChangesOf(holder);
            if (!byQueue.TryGetValue(queue, out var held)) byQueue[queue] = held = [];
            held.Add(change);
        }
        return byQueue;
    }

    private static void Add(Dictionary<string, List<string>> byQueue, string queue, string device)
    {
        if (!byQueue.TryGetValue(queue, out var devices)) byQueue[queue] = devices = [];
        devices.Add(device);
    }
}
