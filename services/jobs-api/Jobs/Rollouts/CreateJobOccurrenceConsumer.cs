using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Contracts.Jobs.Rollouts;
using Marten;
using Marten.Exceptions;
using MassTransit;

namespace JobsApi.Jobs.Rollouts;

/// <summary>
/// Creates a recurring job's child at an occurrence (docs/rollouts.md, "Recurrence"): a job of its own, <c>{template}-{yyyyMMddTHHmmZ}</c>,
/// with the template's request (type, query, method or twin patch, maxExecutionTimeInSeconds, rollout), starting at the
/// occurrence, with its own statistics; listed by <c>GET /jobs/v2/query</c> like any job. A cancelled template makes
/// none; a repeated request makes nothing twice.
/// </summary>
public sealed class CreateJobOccurrenceConsumer(IDocumentStore store, TimeProvider clock, ILogger<CreateJobOccurrenceConsumer> logger)
    : IConsumer<CreateJobOccurrence>
{
    public async Task Consume(ConsumeContext<CreateJobOccurrence> context)
    {
        var occurrence = context.Message;
        await using var session = store.LightweightSession();
        var template = await session.LoadAsync<JobStatus>(occurrence.TemplateJobId, context.CancellationToken);
        if (template is not { Recurrence: not null } || template.IsFinished) return;

        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        session.Events.StartStream<JobStatus>(occurrence.JobId, new JobCreated(occurrence.JobId, template.Type, template.QueryCondition, now,
            occurrence.OccursAt, template.MaxExecutionTimeInSeconds, template.CloudToDeviceMethod, template.UpdateTwinJson, template.Rollout));
        try
        {
            await session.SaveChangesAsync(context.CancellationToken);
            JobMetrics.Record("created", template.Type);
            logger.LogInformation("Recurring job {TemplateJobId} created {JobId}", occurrence.TemplateJobId, occurrence.JobId);
        }
        catch (ExistingStreamIdCollisionException)
        {
            // Created by an earlier delivery of this occurrence.
        }
    }
}
