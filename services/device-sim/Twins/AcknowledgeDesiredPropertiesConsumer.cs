using DeviceSim.Devices;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.ServiceDefaults;
using MassTransit;
using IotHubJobs.Messaging;

namespace DeviceSim.Twins;

/// <summary>
/// Receives desired-property changes for many devices and acknowledges them like a real device does: it applies the
/// desired values and reports them back as reported properties — one message for the whole chunk. Only connected,
/// enabled devices acknowledge; an offline device (<c>tags.sim.offline</c>) would sync after reconnecting, which the
/// simulator does not model, so its reported properties simply stay behind. A device tagged <c>sim.acknowledge: false</c>
/// receives the change and never reports it (docs/rollouts.md, "Acknowledged twin jobs").
/// </summary>
public sealed class AcknowledgeDesiredPropertiesConsumer(SimulatedDevices devices) : IConsumer<DesiredPropertiesChanged>
{
    public async Task Consume(ConsumeContext<DesiredPropertiesChanged> context)
    {
        var changes = context.Message.Devices;
        using var activity = Telemetry.Source.StartActivity("acknowledge desired properties");
        activity?.SetTag("iothub.device_count", changes.Count);

        var behaviour = await devices.LoadAsync(changes.Select(c => c.DeviceId).Distinct().ToList(), context.CancellationToken);
        var reports = changes
            .Where(c => behaviour.TryGetValue(c.DeviceId, out var device) && device is { Simulated: true, Enabled: true, Offline: false, Acknowledges: true })
            .Select(c => new DeviceReportedProperties(c.DeviceId, c.DesiredJson))
            .ToList();
        if (reports.Count > 0) await context.Publish(new ReportedPropertiesReported(reports), context.CancellationToken);
    }
}

public sealed class AcknowledgeDesiredPropertiesConsumerDefinition() :
    QueueDefinition<AcknowledgeDesiredPropertiesConsumer>("acknowledge-desired-properties", prefetchCount: 32, concurrentMessageLimit: 8);
