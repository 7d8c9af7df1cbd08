namespace Scheduler.Schedules;

/// <summary>Lets a consumer that just recorded a due job wake this replica's loop instead of waiting for the next poll.</summary>
public sealed class SchedulerWakeUp
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Wake()
    {
        if (_signal.CurrentCount == 0) try { _signal.Release(); } catch (SemaphoreFullException) { }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
