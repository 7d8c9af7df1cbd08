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
        builder.AddPostgres();
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
