using System.Text.RegularExpressions;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace JobsApi.Methods.DeviceCalls;

public static partial class DeviceCallsRegistration
{
    [GeneratedRegex("[^a-z0-9-]")]
    private static partial Regex Unsafe();

    /// <summary>Registers the device call client and its reply queue, named after this instance.</summary>
    public static IBusRegistrationConfigurator AddDeviceCalls(this IBusRegistrationConfigurator bus, IServiceCollection services, string instanceName)
    {
        var queue = new DeviceCallReplyQueue("device-call-replies-" + Unsafe().Replace(instanceName.ToLowerInvariant(), "-"));
        services.AddSingleton(queue);
        services.AddSingleton<DeviceCallClient>();
        bus.AddConsumer<DeviceCallReplyConsumer>().Endpoint(e =>
        {
            e.Name = queue.Name;
            e.ConcurrentMessageLimit = 32;
        });
        return bus;
    }
}
