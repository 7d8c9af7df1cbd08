using IotHubJobs.Contracts.Jobs;
using MassTransit;

namespace DeviceGateway.Methods;

/// <summary>Deletes the call records of jobs whose history passed its retention (docs/jobs.md, "History and retention").</summary>
public sealed class ForgetExpiredCallsConsumer(GatewayCallLog log) : IConsumer<JobsExpired>
{
    public Task Consume(ConsumeContext<JobsExpired> context) => log.ForgetJobsAsync(context.Message.JobIds, context.CancellationToken);
}

/// <summary>One table for every instance: one queue they share, so one of them deletes.</summary>
public sealed class ForgetExpiredCallsConsumerDefinition() :
    IotHubJobs.Messaging.QueueDefinition<ForgetExpiredCallsConsumer>("device-gateway-forget-expired-calls", prefetchCount: 4, concurrentMessageLimit: 1);
