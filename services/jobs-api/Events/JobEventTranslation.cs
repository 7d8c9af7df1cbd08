using JobsApi.Jobs;

namespace JobsApi.Events;

/// <summary>
/// What one log event yields: the events a reader wants, the job's state after it, the last index it occupies at its
/// sequence (a snapshot taken right after goes to the next one), whether the device-job counts may have changed, and
/// whether the job has now finished for good (finished, statistics final).
/// </summary>
public sealed record JobEventTranslation(IReadOnlyList<HubEvent> Events, JobStatus? After, int LastIndex, bool CountsChanged)
{
    public bool JobIsOver => After is { IsFinished: true, FinalStatistics: not null };

    public static readonly JobEventTranslation Nothing = new([], null, 0, false);
}
