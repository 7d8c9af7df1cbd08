using IotHubJobs.Contracts.Devices;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.ServiceDefaults;
using MassTransit;
using IotHubJobs.Messaging;

namespace Executor.Methods;

/// <summary>
/// Routes a chunk of a method job to the holder of the devices' connections — today device-sim, which holds every
/// simulated device — as one delivery per holder. The holder claims, calls and reports each device itself, so this
/// consumer waits for no device and a crash here loses no answer: a delivery sent twice (this message redelivered)
/// finds the devices already claimed and calls nobody again.
/// </summary>
public sealed class InvokeDeviceMethodsConsumer : IConsumer<InvokeDeviceMethods>
{
    public async Task Consume(ConsumeContext<InvokeDeviceMethods> context)
    {
        var command = context.Message;
        using var activity = Telemetry.Source.StartActivity("route device methods");
        activity?.SetTag("iothub.job_id", command.JobId);
        activity?.SetTag("iothub.method", command.Method.MethodName);
        activity?.SetTag("iothub.device_count", command.DeviceIds.Count);

        var delivery = new DeliverJobMethod(NewId.NextGuid(), command.JobId, command.Method, command.DeviceIds);
        // Nothing is claimed here: a failed send leaves the message to be delivered again, with nothing lost.
        var holder = await context.GetSendEndpoint(new Uri($"queue:{DeviceLayerQueues.SimulatedDevices}"));
        await holder.Send(delivery, context.CancellationToken);
    }
}

public sealed class InvokeDeviceMethodsConsumerDefinition() :
    QueueDefinition<InvokeDeviceMethodsConsumer>("invoke-device-methods", prefetchCount: 32, concurrentMessageLimit: 16);
