using IotHubJobs.Presence;
using IotHubJobs.Registry;
using IotHubJobs.Messaging;
using Executor.Methods;
using Executor.Twins;
using IotHubJobs.DeviceTwins;
using IotHubJobs.Dispatch;
using IotHubJobs.ServiceDefaults;
using MassTransit;

namespace Executor;

public static class ExecutorExtensions
{
    public static IHostApplicationBuilder AddExecutor(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres()
            .AddSchema(typeof(DeviceRegistry).Assembly, "registry.sql")
            .AddSchema(typeof(DeviceJobLedger).Assembly, "dispatch.sql");
        builder.AddPresence();
        builder.Services.AddSingleton<DeviceJobClaims>();
        builder.Services.AddSingleton<ClaimedOutcomes>();
        builder.Services.AddSingleton<TwinStore>();
        builder.AddBus(x =>
        {
            x.AddConsumer<InvokeDeviceMethodsConsumer, InvokeDeviceMethodsConsumerDefinition>();
            x.AddConsumer<UpdateDeviceTwinsConsumer, UpdateDeviceTwinsConsumerDefinition>();
        });
        return builder;
    }
}
