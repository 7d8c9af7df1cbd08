using IotHubJobs.Contracts.Jobs;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using System.Text.Json.Serialization;
using Weasel.Core;

namespace JobsApi.Jobs;

/// <summary>How jobs are stored in Marten: string-keyed event streams in schema <c>jobs</c>, the inline JobStatus.</summary>
public static class JobStore
{
    public static void Configure(StoreOptions o)
    {
        o.DatabaseSchemaName = "jobs";
        // Marten's own defaults, but a null is left out rather than written: results are most of a job's events, and a
        // success has no error, a twin result no method status or payload. Reading back gives the same records.
        o.UseSystemTextJsonForSerialization(EnumStorage.AsInteger, Casing.Default,
            json => json.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull);
        o.AutoCreateSchemaObjects = AutoCreate.All;
        o.Events.StreamIdentity = StreamIdentity.AsString;
        o.Events.MetadataConfig.CorrelationIdEnabled = true;
        o.Events.MetadataConfig.CausationIdEnabled = true;
        o.Projections.Add<JobStatusProjection>(ProjectionLifecycle.Inline);
        // Known by name from the start: event readers filter by type name before anything was appended (Events/JobEventLog.cs).
        o.Events.AddEventTypes([typeof(JobCreated), typeof(JobScheduled), typeof(JobStarted), typeof(JobTargetsResolved),
            typeof(JobDispatchCancelled), typeof(DeviceJobsCompleted), typeof(JobExecutionTimeElapsed), typeof(JobCompleted),
            typeof(JobFailed), typeof(JobCancelled)]);
        // The relay is the path from PUT to the scheduler: poll the event log often so jobs start promptly.
        o.Projections.FastPollingTime = TimeSpan.FromMilliseconds(50);
        o.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(200);
        o.Schema.For<JobStatus>().Index(x => x.CreatedTime).Index(x => x.EndTime!);
    }
}
