using System.Text.Json.Nodes;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.DeviceTwins;
using IotHubJobs.Dispatch;
using Marten;

namespace JobsApi.Jobs.Rollouts;

/// <summary>
/// Ends the device jobs of acknowledged twin jobs whose devices reported the desired values (docs/rollouts.md,
/// "Acknowledged twin jobs"): called with the twins as a report left them; a device job waiting for one of these devices
/// succeeds once its reported properties show the values its job's patch set. The result goes the way of every result
/// (the durable results queue), carrying the attempt it answers, so a report seen twice completes nothing twice.
/// </summary>
public sealed class TwinAcknowledgements(DeviceJobLedger ledger, IDocumentStore store, TimeProvider clock)
{
    public async Task<IReadOnlyList<DeviceJobsCompleted>> AcknowledgedAsync(IReadOnlyDictionary<string, JsonObject> twins, CancellationToken ct)
    {
        if (twins.Count == 0) return [];
        var awaited = await ledger.AwaitingAcknowledgementAsync(twins.Keys.ToList(), ct);
        if (awaited.Count == 0) return [];
        await using var session = store.QuerySession();
        var jobs = (await session.LoadManyAsync<JobStatus>(ct, awaited.Select(a => a.JobId).Distinct().ToArray())).ToDictionary(j => j.Id, StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var completed = new List<DeviceJobsCompleted>();
        foreach (var job in awaited.GroupBy(a => a.JobId))
        {
            if (!jobs.TryGetValue(job.Key, out var status) || status.UpdateTwinJson is not { } patchJson
                || !TwinPatchReader.TryReadJobPatch(patchJson, out var patch, out _)) continue;
            var results = job.Where(a => DesiredAcknowledgement.Shows(twins[a.DeviceId], patch.Desired))
                .Select(a => new DeviceJobResult(a.DeviceId, true, a.StartedAt, now, null, null, null, null, a.Attempt))
                .ToList();
            completed.AddRange(ResultMessages.Of(job.Key, results));
        }
        return completed;
    }
}
