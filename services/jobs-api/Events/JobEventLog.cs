using IotHubJobs.Contracts.Jobs;
using JasperFx.Events;
using Marten;

namespace JobsApi.Events;

/// <summary>
/// Reads the committed job event log through Marten (jobs-api owns it: docs/architecture.md, "Who owns which table"):
/// events after a sequence and up to the high-water mark, in sequence order, optionally of one job, of the jobs with an
/// id prefix, and without the batches of device results when nobody needs them.
/// </summary>
public sealed class JobEventLog(IDocumentStore store)
{
    // Registered in JobStore.Configure, so known before anything was appended.
    private readonly string _deviceResultsType =
        store.Options.Events.AllKnownEventTypes().Single(t => t.EventType == typeof(DeviceJobsCompleted)).EventTypeName;

    /// <param name="through">The high-water mark: nothing after it is read.</param>
    /// <returns>The events, and the sequence through which the log has been looked at (the last event's, or
    /// <paramref name="through"/> when fewer than <paramref name="limit"/> matched).</returns>
    public async Task<(IReadOnlyList<IEvent> Events, long ScannedThrough)> ReadAsync(EventSelection selection, long after, long through,
        int limit, CancellationToken ct)
    {
        if (through <= after) return ([], after);
        await using var session = store.QuerySession();
        var query = session.Events.QueryAllRawEvents().Where(e => e.Sequence > after && e.Sequence <= through);
        if (selection.JobId is { } jobId) query = query.Where(e => e.StreamKey == jobId);
        if (selection.JobIdPrefix is { } prefix) query = query.Where(e => e.StreamKey!.StartsWith(prefix));
        if (!selection.NeedsDeviceResults)
        {
            var skipped = _deviceResultsType;
            query = query.Where(e => e.EventTypeName != skipped);
        }
        var events = await query.OrderBy(e => e.Sequence).Take(limit).ToListAsync(ct);
        return (events, events.Count == limit ? events[^1].Sequence : through);
    }

    /// <summary>A job's events before <paramref name="before"/>, without device results: what its status was made of.</summary>
    public async Task<IReadOnlyList<IEvent>> HistoryAsync(string jobId, long before, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var skipped = _deviceResultsType;
        return await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey == jobId && e.Sequence < before && e.EventTypeName != skipped)
            .OrderBy(e => e.Sequence).ToListAsync(ct);
    }

    /// <summary>The sequence of a job's last event, or null when it has none.</summary>
    public async Task<long?> LastSequenceAsync(string jobId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var last = await session.Events.QueryAllRawEvents().Where(e => e.StreamKey == jobId)
            .OrderByDescending(e => e.Sequence).Take(1).ToListAsync(ct);
        return last.Count == 0 ? null : last[0].Sequence;
    }
}
