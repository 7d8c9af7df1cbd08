namespace JobsApi.Events;

/// <summary>
/// At most one <c>job.progress</c> per job and reader per interval while a job's counts change, and one more once they
/// stop changing (docs/events.md). Kept by each reader in memory: a reader that starts again starts afresh.
/// </summary>
public sealed class ProgressThrottle(TimeSpan interval)
{
    private readonly Dictionary<string, (DateTimeOffset? LastSent, bool Pending)> _jobs = new(StringComparer.Ordinal);

    public void Changed(string jobId) => _jobs[jobId] = (_jobs.GetValueOrDefault(jobId).LastSent, true);

    public void Sent(string jobId, DateTimeOffset at) => _jobs[jobId] = (at, false);

    public void Forget(string jobId) => _jobs.Remove(jobId);

    public bool IsDue(string jobId, DateTimeOffset now) =>
        _jobs.TryGetValue(jobId, out var job) && job.Pending && (job.LastSent is not { } last || now - last >= interval);

    /// <summary>Jobs with a change not yet reported whose interval has passed.</summary>
    public List<string> Due(DateTimeOffset now) => _jobs.Keys.Where(j => IsDue(j, now)).ToList();

    /// <summary>When the next pending snapshot falls due, or null when none is pending.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            DateTimeOffset? next = null;
            foreach (var (lastSent, pending) in _jobs.Values)
            {
                if (!pending) continue;
                var due = lastSent is { } last ? last + interval : DateTimeOffset.MinValue;
                if (next is null || due < next) next = due;
            }
            return next;
        }
    }
}
