using Executor.Claims;
using Executor.Methods;
using Executor.Twins;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.DeviceTwins;
using IotHubJobs.ServiceDefaults;
using IotHubJobs.ServiceDefaults.DeviceCalls;
using MassTransit;

namespace Executor;

public static class ExecutorExtensions
{
    public static IHostApplicationBuilder AddExecutor(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres();
        builder.Services.AddSingleton<DeviceJobClaims>();
        builder.Services.AddSingleton<OutcomeDelivery>();
        builder.Services.AddSingleton<TwinStore>();
        builder.AddBus(x =>
        {
            x.AddConsumer<InvokeDeviceMethodsConsumer, InvokeDeviceMethodsConsumerDefinition>();
            x.AddConsumer<UpdateDeviceTwinsConsumer, UpdateDeviceTwinsConsumerDefinition>();
            x.AddDeviceCalls(builder.Services, builder.Configuration["Executor:InstanceId"] ?? "executor-" + Environment.MachineName);
        });
        return builder;
    }
}
