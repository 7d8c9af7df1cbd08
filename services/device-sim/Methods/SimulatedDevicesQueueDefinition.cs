using IotHubJobs.Contracts.Devices;
using IotHubJobs.Messaging;
using MassTransit;

namespace DeviceSim.Methods;

/// <summary>
/// device-sim's one queue for calls (<see cref="DeviceLayerQueues.SimulatedDevices"/>): it holds every simulated
/// device's connection, so direct calls and job deliveries alike go there. Both consumers on it are defined by this, so
/// the queue they share is configured once.
/// </summary>
public abstract class SimulatedDevicesQueueDefinition<TConsumer>() :
    QueueDefinition<TConsumer>(DeviceLayerQueues.SimulatedDevices, prefetchCount: 64, concurrentMessageLimit: 64)
    where TConsumer : class, IConsumer;
