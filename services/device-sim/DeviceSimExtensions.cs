using IotHubJobs.Messaging;
using DeviceSim.Devices;
using DeviceSim.Methods;
using DeviceSim.Twins;
using IotHubJobs.Dispatch;
using IotHubJobs.DeviceLayer;
using IotHubJobs.Registry;
using IotHubJobs.ServiceDefaults;
using MassTransit;

namespace DeviceSim;

public static class DeviceSimExtensions
{
    public static IHostApplicationBuilder AddDeviceSim(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres()
            .AddSchema(typeof(DeviceRegistry).Assembly, "registry.sql")
            .AddSchema(typeof(DeviceJobLedger).Assembly, "dispatch.sql")
            .AddSchema(typeof(DeviceSimExtensions).Assembly, "devicesim.sql");
        builder.Services.AddSingleton<DeviceRegistry>();
        builder.Services.AddSingleton<SimulatedDevices>();
        builder.Services.AddDeviceLayer<DeviceCallLog, SimulatedMethodRunner>(builder.Configuration["OTEL_SERVICE_NAME"] ?? "device-sim");
        builder.AddBus(x =>
        {
            x.AddConsumer<CallDeviceMethodsConsumer, CallDeviceMethodsConsumerDefinition>();
            x.AddConsumer<DeliverJobMethodConsumer, DeliverJobMethodConsumerDefinition>();
            x.AddConsumer<AcknowledgeDesiredPropertiesConsumer, AcknowledgeDesiredPropertiesConsumerDefinition>();
            x.AddConsumer<ForgetExpiredCallsConsumer>();
        });
        builder.Services.AddHostedService<DirectCallRetention>();
        return builder;
    }
}
