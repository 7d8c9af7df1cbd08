using IotHubJobs.Contracts.Devices;
using IotHubJobs.Messaging;
using IotHubJobs.Presence;
using MassTransit;

namespace JobsApi.Twins;

/// <summary>
/// Tells the device layer about desired-property changes made through the twin API: the event for all, and to each
/// device-gateway instance holding a connected device its changes (libs/Presence, <see cref="DeviceRoutes.DesiredChangeQueuesAsync"/>).
/// Best effort by design: the twin is already committed, and a device that misses a notification reads its desired
/// properties when it next syncs, so a broker or database hiccup must not turn a successful write into an error.
/// </summary>
public sealed class DesiredChangeNotifier(IBus bus, DeviceRoutes routes, ILogger<DesiredChangeNotifier> logger)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public async Task NotifyAsync(IReadOnlyList<DeviceDesiredProperties> devices, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Patience);
        try
        {
            await bus.Publish(new DesiredPropertiesChanged(devices), timeout.Token);
            foreach (var (queue, changes) in await routes.DesiredChangeQueuesAsync(devices, timeout.Token))
                await (await bus.GetSendEndpoint(QueueAddress.Of(queue))).Send(new DesiredPropertiesChanged(changes), timeout.Token);
        }
        catch (Exception e) // whatever the broker client throws: the write already succeeded and stays answered as such
        {
            logger.LogWarning(e, "Could not notify the device layer of desired changes for {Count} devices", devices.Count);
        }
    }
}
