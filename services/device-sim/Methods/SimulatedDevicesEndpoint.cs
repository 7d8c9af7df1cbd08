using IotHubJobs.Contracts.Devices;
using MassTransit;

namespace DeviceSim.Methods;

/// <summary>
/// device-sim's one queue for calls (<see cref="DeviceLayerQueues.SimulatedDevices"/>): it holds every simulated
/// device's connection, so direct calls and job deliveries alike go there. Both consumers on it configure it here, once.
/// </summary>
public static class SimulatedDevicesEndpoint
{
    public static void Configure(IEndpointRegistrationConfigurator endpoint)
    {
        endpoint.Name = DeviceLayerQueues.SimulatedDevices;
        endpoint.PrefetchCount = 64;
        endpoint.ConcurrentMessageLimit = 64;
    }
}
