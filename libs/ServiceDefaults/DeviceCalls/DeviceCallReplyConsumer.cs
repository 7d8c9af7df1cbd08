using IotHubJobs.Contracts.Devices;
using MassTransit;

namespace IotHubJobs.ServiceDefaults.DeviceCalls;

public sealed class DeviceCallReplyConsumer(DeviceCallClient client) : IConsumer<DeviceMethodsCalled>
{
    public Task Consume(ConsumeContext<DeviceMethodsCalled> context)
    {
        client.Complete(context.Message);
        return Task.CompletedTask;
    }
}
