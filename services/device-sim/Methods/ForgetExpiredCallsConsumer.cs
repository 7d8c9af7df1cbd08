using IotHubJobs.Contracts.Jobs;
using MassTransit;

namespace DeviceSim.Methods;

/// <summary>Deletes the call records of jobs whose history passed its retention.</summary>
public sealed class ForgetExpiredCallsConsumer(DeviceCallLog log) : IConsumer<JobsExpired>
{
    public Task Consume(ConsumeContext<JobsExpired> context) => log.ForgetJobsAsync(context.Message.JobIds, context.CancellationToken);
}
