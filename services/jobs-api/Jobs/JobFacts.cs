using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;

namespace JobsApi.Jobs;

/// <summary>
/// What a consumer records about one job: the events for its stream, the ledger statements that commit with them,
/// and — when the events may have finished the job — the device-job counts as that transaction leaves them.
/// </summary>
public sealed record JobFacts(IReadOnlyList<object> Events, IReadOnlyList<UnitOfWorkStatement> Ledger, DeviceJobStatistics? CountsAfter)
{
    public static JobFacts Just(object e) => new([e], [], null);
}
