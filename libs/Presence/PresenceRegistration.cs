using IotHubJobs.Registry;
using IotHubJobs.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace IotHubJobs.Presence;

public static class PresenceRegistration
{
    /// <summary>
    /// Presence for a service that reads or writes it (device-gateway; the executor and jobs-api to route calls with
    /// <see cref="DevicePresence.HolderQueuesAsync"/>): the schemas of presence and of the registry it keeps in step,
    /// and the two classes. Call after <c>AddPostgres</c>.
    /// </summary>
    public static IHostApplicationBuilder AddPresence(this IHostApplicationBuilder builder)
    {
        builder.AddSchema(typeof(DeviceConnections).Assembly, "registry.sql")
            .AddSchema(typeof(DevicePresence).Assembly, "presence.sql");
        builder.Services.AddSingleton(PresenceOptions.From(builder.Configuration));
        builder.Services.AddSingleton<DeviceConnections>();
        builder.Services.AddSingleton<DevicePresence>();
        builder.Services.AddSingleton<GatewayInstances>();
        builder.Services.TryAddSingleton<DeviceRegistry>();
        builder.Services.AddSingleton<DeviceRoutes>();
        return builder;
    }
}
