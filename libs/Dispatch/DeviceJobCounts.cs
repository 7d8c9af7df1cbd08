using IotHubJobs.Contracts.Jobs;

namespace IotHubJobs.Dispatch;

/// <summary>
/// The statistics arithmetic of IoT Hub's deviceJobStatistics, in one place: a count of device jobs by status folds
/// into the four counts (canceled counts as failed: IoT Hub has no canceled count), and deviceCount is the number of
/// devices the job targeted when that is known.
/// </summary>
public static class DeviceJobCounts
{
    public static DeviceJobStatistics Add(DeviceJobStatistics statistics, string status, int count)
    {
        var s = status switch
        {
            DeviceJobStatus.Pending => statistics with { PendingCount = statistics.PendingCount + count },
            DeviceJobStatus.Running => statistics with { RunningCount = statistics.RunningCount + count },
            DeviceJobStatus.Completed => statistics with { SucceededCount = statistics.SucceededCount + count },
            _ => statistics with { FailedCount = statistics.FailedCount + count },
        };
        return s with { DeviceCount = s.DeviceCount + count };
    }

    /// <summary>The counts with deviceCount fixed to the number of devices targeted, once the fan-out has ended.</summary>
    public static DeviceJobStatistics Targeting(this DeviceJobStatistics counted, int? targeted) =>
        targeted is { } n ? counted with { DeviceCount = n } : counted;

    public static bool HasUnfinished(this DeviceJobStatistics statistics) => statistics.PendingCount + statistics.RunningCount > 0;

    /// <summary>
    /// The counts after recording <paramref name="fresh"/> results of device jobs whose status before was as in
    /// <paramref name="unfinished"/> (pending or running), as the same transaction will leave them.
    /// </summary>
    public static DeviceJobStatistics AfterResults(DeviceJobStatistics before, IReadOnlyList<DeviceJobResult> fresh, IReadOnlyDictionary<string, string> unfinished)
    {
        var succeeded = fresh.Count(r => r.Succeeded);
        var wereRunning = fresh.Count(r => unfinished[r.DeviceId] == DeviceJobStatus.Running);
        return before with
        {
            SucceededCount = before.SucceededCount + succeeded,
            FailedCount = before.FailedCount + fresh.Count - succeeded,
            RunningCount = before.RunningCount - wereRunning,
            PendingCount = before.PendingCount - (fresh.Count - wereRunning),
        };
    }

    /// <summary>The counts after every unfinished device job failed.</summary>
    public static DeviceJobStatistics AfterFailingUnfinished(DeviceJobStatistics before) => before with
    {
        FailedCount = before.FailedCount + before.PendingCount + before.RunningCount,
        PendingCount = 0,
        RunningCount = 0,
    };
}
