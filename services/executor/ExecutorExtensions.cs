using Executor.Claims;
using Executor.Methods;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.ServiceDefaults;
using MassTransit;

namespace Executor;

public static class ExecutorExtensions
{
    public static IHostApplicationBuilder AddExecutor(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres();
        builder.Services.AddSingleton<DeviceJobClaims>();
        builder.AddBus(x =>
        {
            x.AddConsumer<InvokeDeviceMethodsConsumer, InvokeDeviceMethodsConsumerDefinition>();
            x.AddRequestClient<CallDeviceMethods>();
        });
        return builder;
    }
}
