using IotHubJobs.Dispatch;
using Microsoft.Extensions.DependencyInjection;

namespace IotHubJobs.DeviceLayer;

public static class DeviceLayerRegistration
{
    /// <summary>
    /// What every device layer shares: <see cref="DeviceCalls"/> over this component's call log and method runner, the
    /// ledger claims, and the claimant name of this instance. The consumers (<see cref="CallDeviceMethodsConsumer"/>,
    /// <see cref="DeliverJobMethodConsumer"/>) are registered with the bus by the component, on its own queue.
    /// </summary>
    public static IServiceCollection AddDeviceLayer<TLog, TRunner>(this IServiceCollection services, string instanceName)
        where TLog : class, IDeviceCallLog where TRunner : class, IDeviceMethodRunner
    {
        services.AddSingleton(new DeviceLayerInstance(instanceName));
        services.AddSingleton<TLog>();
        services.AddSingleton<IDeviceCallLog>(sp => sp.GetRequiredService<TLog>());
        services.AddSingleton<TRunner>();
        services.AddSingleton<IDeviceMethodRunner>(sp => sp.GetRequiredService<TRunner>());
        services.AddSingleton<DeviceJobClaims>();
        services.AddSingleton<ClaimedOutcomes>();
        services.AddSingleton<DeviceCalls>();
        return services;
    }
}
