using System.Text.Json.Nodes;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Contracts.Jobs.Rollouts;
using IotHubJobs.Dispatch;
using IotHubJobs.IotHubErrors;
using JasperFx.Events;
using JobsApi.Http;
using JobsApi.Jobs;

namespace JobsApi.Events;

/// <summary>
/// Turns events of a job's stream into public events (docs/events.md, "Event types"). A job's status events follow the
/// job document exactly: the same <see cref="JobStatusProjection"/> rules are applied to the state before the event, and
/// only a status that changes is an event. Device outcomes come from the batches of results, and — for device jobs that
/// a cancel or the deadline ended together, which the log does not list one by one — from the ledger, in device-id order.
/// </summary>
public sealed class JobEventTranslator(DeviceJobLedger ledger)
{
    private static readonly JobStatusProjection Rules = new();

    /// <param name="before">The job as the events before this one left it; null only for its <see cref="JobCreated"/>.</param>
    public async Task<JobEventTranslation> TranslateAsync(IEvent e, JobStatus? before, EventSelection selection, CancellationToken ct)
    {
        var jobId = e.StreamKey!;
        if (e.Data is JobCreated created)
        {
            var job = Rules.Create(created);
            return new JobEventTranslation(StatusEvent(e, job, selection).ToList(), job, 0, false);
        }
        if (before is null || !(IsJobEvent(e.Data) || RolloutHubEvents.IsRolloutOnly(e.Data))) return JobEventTranslation.Nothing with { After = before };

        var after = before.Copy();
        JobStatusProjection.Evolve(after, e.Data);
        var events = new List<HubEvent>();
        var lastIndex = 0;
        var countsChanged = e.Data is JobTargetsResolved or JobStarted;
        var rolloutOnly = RolloutHubEvents.IsRolloutOnly(e.Data);
        // A pause shows as rollout.paused (below), not as a status event.
        if (!rolloutOnly && after.Status != before.Status) events.AddRange(StatusEvent(e, after, selection));
        else if (before.FinalStatistics is null && after.FinalStatistics is { } final && selection.WantsProgress)
            // A job cancelled while running: its statistics became final when its last running device reported.
            events.Add(Progress(new EventPosition(e.Sequence, 0), jobId, e.Timestamp, after.Status, final));

        switch (e.Data)
        {
            case DeviceJobsCompleted batch:
                countsChanged = true;
                lastIndex = batch.Results.Count;
                if (!selection.WantsDeviceJobs) break;
                for (var i = 0; i < batch.Results.Count; i++)
                {
                    var r = batch.Results[i];
                    var type = r.Succeeded ? HubEventTypes.DeviceJobCompleted : HubEventTypes.DeviceJobFailed;
                    if (selection.Wants(type))
                        events.Add(DeviceEvent(new EventPosition(e.Sequence, i + 1), type, jobId, e.Timestamp, FromResult(jobId, after.Type, r)));
                }
                break;
            case JobDispatchCancelled:
                countsChanged = true;
                lastIndex = await EndedTogetherAsync(e, after, DeviceJobStatus.Canceled, null, HubEventTypes.DeviceJobCanceled, selection, events, ct);
                break;
            case JobExecutionTimeElapsed:
                countsChanged = true;
                lastIndex = await EndedTogetherAsync(e, after, DeviceJobStatus.Failed, DeviceOperationErrors.JobTimeout.Code,
                    HubEventTypes.DeviceJobFailed, selection, events, ct);
                break;
        }
        // At index 0 when the log event yields nothing else, else right after its status event (whatever the reader wants,
        // an id is a position in the log).
        if (RolloutHubEvents.Of(e.Data, before) is { } rollout)
        {
            var index = rolloutOnly ? 0 : Math.Max(1, lastIndex + 1);
            if (selection.Wants(rollout.Type)) events.Add(new HubEvent(new EventPosition(e.Sequence, index), rollout.Type, jobId, jobId, e.Timestamp, rollout.Data));
            lastIndex = Math.Max(lastIndex, index);
        }
        return new JobEventTranslation(events, after, lastIndex, countsChanged);
    }

    /// <summary>A snapshot of the statistics: the final ones once frozen, else counted from the ledger now.</summary>
    public async Task<HubEvent> SnapshotAsync(EventPosition position, JobStatus job, DateTimeOffset now, CancellationToken ct)
    {
        var statistics = job.FinalStatistics ?? (await ledger.CountAsync(job.Id, ct)).Targeting(job.DeviceCount);
        return Progress(position, job.Id, now, job.Status, statistics);
    }

    private static bool IsJobEvent(object data) => data is JobScheduled or JobStarted or JobTargetsResolved or JobDispatchCancelled
        or DeviceJobsCompleted or JobExecutionTimeElapsed or JobCompleted or JobFailed or JobCancelled or RolloutStopped;

    private async Task<int> EndedTogetherAsync(IEvent e, JobStatus job, string status, string? errorCode, string type,
        EventSelection selection, List<HubEvent> events, CancellationToken ct)
    {
        if (!selection.Wants(type)) return 0;
        var ended = await ledger.EndedTogetherAsync(job.Id, status, errorCode, ct);
        for (var i = 0; i < ended.Count; i++)
            events.Add(DeviceEvent(new EventPosition(e.Sequence, i + 1), type, job.Id, e.Timestamp, FromLedger(job.Id, job.Type, ended[i])));
        return ended.Count;
    }

    private static IEnumerable<HubEvent> StatusEvent(IEvent e, JobStatus job, EventSelection selection)
    {
        var type = HubEventTypes.ForJobStatus(job.Status);
        // Statistics only when final: a status event read again later says the same; job.progress carries live counts.
        if (selection.Wants(type))
            yield return new HubEvent(new EventPosition(e.Sequence, 0), type, job.Id, job.Id, e.Timestamp, JobResponse.From(job, liveStatistics: null));
    }

    private static HubEvent Progress(EventPosition position, string jobId, DateTimeOffset time, string status, DeviceJobStatistics statistics) =>
        new(position, HubEventTypes.JobProgress, jobId, jobId, time, new JsonObject
        {
            ["jobId"] = jobId,
            ["status"] = status,
            ["deviceJobStatistics"] = JobResponse.Statistics(statistics),
        });

    private static HubEvent DeviceEvent(EventPosition position, string type, string jobId, DateTimeOffset time, JsonObject deviceJob) =>
        new(position, type, jobId, (string)deviceJob["deviceId"]!, time, deviceJob);

    /// <summary>The device job as devices.jobs shows it (docs/iothub-api.md, "Device jobs").</summary>
    private static JsonObject FromResult(string jobId, string jobType, DeviceJobResult r) => DeviceJob(jobId, r.DeviceId, jobType,
        r.Succeeded ? DeviceJobStatus.Completed : DeviceJobStatus.Failed, r.StartTimeUtc, r.EndTimeUtc,
        r.MethodStatus is { } status
            ? new JsonObject { ["status"] = status, ["payload"] = IotHubJson.ParseOrNull(r.MethodPayloadJson) }
            : null,
        r.ErrorCode is null ? null : new JsonObject { ["code"] = r.ErrorCode, ["description"] = r.ErrorDescription });

    private static JsonObject FromLedger(string jobId, string jobType, EndedDeviceJob d) => DeviceJob(jobId, d.DeviceId, jobType,
        d.Status, d.StartUtc, d.EndUtc, null, IotHubJson.ParseOrNull(d.ErrorJson));

    private static JsonObject DeviceJob(string jobId, string deviceId, string jobType, string status, DateTimeOffset? start,
        DateTimeOffset? end, JsonNode? methodResponse, JsonNode? error) => new()
    {
        ["jobId"] = jobId,
        ["deviceId"] = deviceId,
        ["jobType"] = jobType,
        ["status"] = status,
        ["startTimeUtc"] = start is { } s ? IotHubJson.Date(s) : null,
        ["endTimeUtc"] = end is { } t ? IotHubJson.Date(t) : null,
        ["outcome"] = new JsonObject { ["deviceMethodResponse"] = methodResponse },
        ["error"] = error,
    };
}
