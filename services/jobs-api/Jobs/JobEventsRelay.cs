using IotHubJobs.Contracts.Jobs.Rollouts;
using System.Diagnostics;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.ServiceDefaults;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using MassTransit;

namespace JobsApi.Jobs;

/// <summary>
/// The outbox (docs/architecture.md, decision 1 "The event log is the outbox"): publishes committed job events that
/// other services react to, at least once, with the event id as message id. It continues the trace of the request that
/// recorded the event.
/// </summary>
public sealed class JobEventsRelay : SubscriptionBase
{
    /// <summary>What other services react to.</summary>
    private static readonly HashSet<Type> Relayed =
        [typeof(JobCreated), typeof(JobCancelled), typeof(JobCompleted), typeof(JobFailed), typeof(JobPaused), typeof(JobResumed), typeof(RolloutWaveApproved)];

    private readonly IBus _bus;

    public JobEventsRelay(IBus bus)
    {
        _bus = bus;
        // The daemon then reads only these types from the log: results, by far most of a job's events and bytes, are
        // neither loaded nor deserialised here.
        foreach (var type in Relayed) IncludeType(type);
    }

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken ct)
    {
        foreach (var e in page.Events)
        {
            if (!Relayed.Contains(e.Data.GetType())) continue;
            ActivityContext.TryParse(e.CausationId, null, out var parent);
            using var activity = Telemetry.Source.StartActivity($"relay {e.EventTypeName}", ActivityKind.Producer, parent);
            activity?.SetTag("iothub.job_id", e.StreamKey);
            await _bus.Publish(e.Data, e.Data.GetType(), ctx => ctx.MessageId = e.Id, ct);
            JobMetrics.RecordRelayLag(DateTimeOffset.UtcNow - e.Timestamp);
        }
        return NullChangeListener.Instance;
    }
}
