using IotHubJobs.Contracts.Devices;
using IotHubJobs.DeviceLayer;
using IotHubJobs.Messaging;
using MassTransit;

namespace DeviceSim.Methods;

/// <summary>
/// device-sim's one queue for calls (<see cref="DeviceLayerQueues.SimulatedDevices"/>): it holds every simulated
/// device's connection, so direct calls and job deliveries alike go there. Both consumers on it (libs/DeviceLayer) are
/// defined by this, so the queue they share is configured once; their definitions live here, beside it, because the
/// consumers are shared with device-gateway, which puts them on a queue of its own.
/// </summary>
public abstract class SimulatedDevicesQueueDefinition<TConsumer>() :
    QueueDefinition<TConsumer>(DeviceLayerQueues.SimulatedDevices, prefetchCount: 64, concurrentMessageLimit: 64)
    where TConsumer : class, IConsumer;

/// <summary>Direct calls (<c>POST /twins/{id}/methods</c>) to simulated devices.</summary>
public sealed class CallDeviceMethodsConsumerDefinition() : SimulatedDevicesQueueDefinition<CallDeviceMethodsConsumer>;

/// <summary>The same queue as direct calls: device-sim holds the simulated devices' connections, and every call to them goes there.</summary>
public sealed class DeliverJobMethodConsumerDefinition() : SimulatedDevicesQueueDefinition<DeliverJobMethodConsumer>;
