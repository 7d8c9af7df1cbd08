namespace Scheduler.Schedules;

/// <summary>States of a row in <c>scheduler.job_schedules</c>.</summary>
public static class ScheduleStates
{
    /// <summary>The start timer is set and has not fired.</summary>
    public const string Waiting = "waiting";
    /// <summary>A recurring job's template: it never starts; its occurrences do (Recurrences/RecurringJobs.cs).</summary>
    public const string Recurring = "recurring";
    /// <summary>Started: the query's devices are being written to the ledger and dispatched, chunk by chunk.</summary>
    public const string Dispatching = "dispatching";
    /// <summary>A rollout's targets are all recorded; commands go out at its pace, wave by wave (docs/rollouts.md).</summary>
    public const string Rolling = "rolling";
    /// <summary>Every target device was dispatched; only the execution deadline remains.</summary>
    public const string Dispatched = "dispatched";
    public const string Cancelled = "cancelled";
    public const string TimedOut = "timed_out";
    public const string Failed = "failed";
    /// <summary>jobs-api reported the job complete; nothing left to do.</summary>
    public const string Finished = "finished";
}
