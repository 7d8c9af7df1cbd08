using IotHubJobs.Contracts.Devices;
using MassTransit;

namespace JobsApi.Twins;

/// <summary>
/// Tells the device layer about desired-property changes made through the twin API. Best effort by design: the twin
/// is already committed, and a device that misses a notification reads its desired properties when it next syncs,
/// so a broker hiccup must not turn a successful write into an error.
/// </summary>
public sealed class DesiredChangeNotifier(IBus bus, ILogger<DesiredChangeNotifier> logger)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public async Task NotifyAsync(IReadOnlyList<DeviceDesiredProperties> devices, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Patience);
        try
        {
            await bus.Publish(new DesiredPropertiesChanged(devices), timeout.Token);
        }
        catch (Exception e) // whatever the broker client throws: the write already succeeded and stays answered as such
        {
            logger.LogWarning(e, "Could not notify the device layer of desired changes for {Count} devices", devices.Count);
        }
    }
}
