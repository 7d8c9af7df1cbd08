using IotHubJobs.Contracts.Devices;
using MassTransit;

namespace JobsApi.Methods.DeviceCalls;

public sealed class DeviceCallReplyConsumer(DeviceCallClient client) : IConsumer<DeviceMethodsCalled>
{
    public Task Consume(ConsumeContext<DeviceMethodsCalled> context)
    {
        client.Complete(context.Message);
        return Task.CompletedTask;
    }
}
