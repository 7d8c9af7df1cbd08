using IotHubJobs.Contracts.Jobs;
using JasperFx.Events;
using JobsApi.Jobs;

namespace JobsApi.Events;

/// <summary>
/// One reader of the job event log — an SSE stream or a webhook's delivery loop — from a position on, in log order:
/// it reads committed events, translates them (<see cref="JobEventTranslator"/>), skips what its position already
/// covers, and adds throttled <c>job.progress</c> snapshots at the next free index (docs/events.md, "Ids").
/// Not thread-safe: one reader, one loop.
/// </summary>
public sealed class JobEventFeed
{
    private readonly JobEventSources _sources;
    private readonly EventSelection _selection;
    private readonly EventPosition _resumeAfter;
    private readonly Dictionary<string, JobStatus> _jobs = new(StringComparer.Ordinal);
    private readonly ProgressThrottle _throttle;
    private readonly Queue<IEvent> _unread = new();
    private readonly Queue<HubEvent> _ready = new();
    private long _scannedThrough;
    private EventPosition _reached;
    private EventPosition _handedOut;
    private bool _jobOver;

    internal JobEventFeed(JobEventSources sources, EventSelection selection, EventPosition after)
    {
        _sources = sources;
        _selection = selection;
        _resumeAfter = after;
        _reached = after;
        _handedOut = after;
        // After "S.i" with i > 0 the log event S is read again and its first i events are skipped.
        _scannedThrough = after.Index > 0 ? after.Sequence - 1 : after.Sequence;
        _throttle = new ProgressThrottle(sources.ProgressInterval);
    }

    /// <summary>
    /// Everything up to here has been handed out or skipped: the position to continue after (a webhook's cursor).
    /// </summary>
    public EventPosition Position => _ready.Count == 0 && _unread.Count == 0 ? Max(_reached, _handedOut) : _handedOut;

    /// <summary>The sequence through which the log has been read; a reader waits for the high-water mark to pass it.</summary>
    public long ScannedThrough => _scannedThrough;

    /// <summary>A one-job reader whose job has finished for good and whose last event has been handed out.</summary>
    public bool IsOver => _jobOver && _ready.Count == 0;

    /// <summary>When a pending progress snapshot falls due, if one is pending.</summary>
    public DateTimeOffset? NextSnapshotDue => _throttle.NextDue;

    /// <summary>
    /// The next events, at most <paramref name="maxEvents"/> and — beyond the first — <paramref name="maxBytes"/> of JSON;
    /// empty when nothing new is readable now.
    /// </summary>
    public async Task<IReadOnlyList<HubEvent>> NextAsync(int maxEvents, int maxBytes, CancellationToken ct)
    {
        while (_ready.Count < maxEvents && !_jobOver)
        {
            if (_unread.Count == 0 && !await ReadPageAsync(ct))
            {
                await SnapshotsDueAsync(ct);
                break;
            }
            var e = _unread.Dequeue();
            await TranslateAsync(e, ct);
            if (_unread.Count == 0) _reached = Max(_reached, new EventPosition(_scannedThrough, 0));
        }

        var batch = new List<HubEvent>();
        var bytes = 0;
        while (_ready.Count > 0 && batch.Count < maxEvents && (batch.Count == 0 || bytes + _ready.Peek().Utf8Json.Length <= maxBytes))
        {
            var next = _ready.Dequeue();
            bytes += next.Utf8Json.Length;
            batch.Add(next);
            _handedOut = next.Id;
        }
        return batch;
    }

    private async Task<bool> ReadPageAsync(CancellationToken ct)
    {
        var pageSize = _selection.NeedsDeviceResults ? 10 : 200;
        var (events, scanned) = await _sources.Log.ReadAsync(_selection, _scannedThrough, _sources.Tail.HighWaterMark, pageSize, ct);
        _scannedThrough = scanned;
        foreach (var e in events) _unread.Enqueue(e);
        if (events.Count == 0) _reached = Max(_reached, new EventPosition(scanned, 0));
        return events.Count > 0;
    }

    private async Task TranslateAsync(IEvent e, CancellationToken ct)
    {
        var jobId = e.StreamKey!;
        var before = await JobBeforeAsync(jobId, e, ct);
        var translation = await _sources.Translator.TranslateAsync(e, before, _selection, ct);
        foreach (var item in translation.Events)
            if (item.Id > _resumeAfter) _ready.Enqueue(item);
        _reached = Max(_reached, new EventPosition(e.Sequence, translation.LastIndex));
        if (translation.After is not { } after) return;

        if (translation.JobIsOver)
        {
            _jobs.Remove(jobId);
            _throttle.Forget(jobId);
            if (_selection.JobId is not null) _jobOver = true;
            return;
        }
        _jobs[jobId] = after;
        // Progress tells of a running job's devices. The scheduler's count of a job's targets can reach the log before
        // its start does (two messages, consumed concurrently); the start counts as a change, so nothing is lost.
        if (!_selection.WantsProgress || !translation.CountsChanged || after.StartedAt is null) return;
        _throttle.Changed(jobId);
        var now = _sources.Clock.GetUtcNow();
        if (_throttle.IsDue(jobId, now)) await SnapshotAsync(jobId, now, ct);
    }

    /// <summary>The job as the events before <paramref name="e"/> left it: known already, or replayed from its history.</summary>
    private async Task<JobStatus?> JobBeforeAsync(string jobId, IEvent e, CancellationToken ct)
    {
        if (_jobs.TryGetValue(jobId, out var known)) return known;
        if (e.Data is JobCreated) return null;
        JobStatus? job = null;
        foreach (var past in await _sources.Log.HistoryAsync(jobId, e.Sequence, ct))
            job = (await _sources.Translator.TranslateAsync(past, job, EventSelection.Nothing, ct)).After ?? job;
        return job;
    }

    private async Task SnapshotsDueAsync(CancellationToken ct)
    {
        var now = _sources.Clock.GetUtcNow();
        foreach (var jobId in _throttle.Due(now))
            if (_jobs.ContainsKey(jobId)) await SnapshotAsync(jobId, now, ct);
            else _throttle.Forget(jobId);
    }

    private async Task SnapshotAsync(string jobId, DateTimeOffset now, CancellationToken ct)
    {
        _reached = _reached.NextIndex;
        _ready.Enqueue(await _sources.Translator.SnapshotAsync(_reached, _jobs[jobId], now, ct));
        _throttle.Sent(jobId, now);
    }

    private static EventPosition Max(EventPosition a, EventPosition b) => a >= b ? a : b;
}
