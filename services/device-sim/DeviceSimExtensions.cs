using DeviceSim.Devices;
using DeviceSim.Methods;
using DeviceSim.Twins;
using IotHubJobs.ServiceDefaults;
using MassTransit;

namespace DeviceSim;

public static class DeviceSimExtensions
{
    public static IHostApplicationBuilder AddDeviceSim(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres();
        builder.Services.AddSingleton<SimulatedDevices>();
        builder.Services.AddSingleton<InvocationLog>();
        builder.AddBus(x =>
        {
            x.AddConsumer<CallDeviceMethodsConsumer, CallDeviceMethodsConsumerDefinition>();
            x.AddConsumer<AcknowledgeDesiredPropertiesConsumer, AcknowledgeDesiredPropertiesConsumerDefinition>();
        });
        return builder;
    }
}
