using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Rollouts;

namespace JobsApi.Jobs.Rollouts;

/// <summary>
/// How a job's executed devices ended, by the failure types of abort criteria (docs/rollouts.md, "Abort criteria"),
/// counted by the projection from each device's recorded result. Executed means the device's part ran to an outcome:
/// every recorded result (results of a job's deadline or cancel are not results of a device; a retried attempt is not a
/// result either, only a device's last attempt is). The failure types are <see cref="RolloutFailure"/>'s; an outcome
/// lost in a fault counts only for <c>any</c>.
/// </summary>
public sealed record ExecutedOutcomes(int Executed, int Failed, int TimedOut, int NotOnline, int Unknown)
{
    public static readonly ExecutedOutcomes None = new(0, 0, 0, 0, 0);

    public ExecutedOutcomes Add(DeviceJobResult r)
    {
        var executed = this with { Executed = Executed + 1 };
        return RolloutFailure.Of(r) switch
        {
            null => executed,
            RolloutFailure.TimedOut => executed with { TimedOut = TimedOut + 1 },
            RolloutFailure.NotOnline => executed with { NotOnline = NotOnline + 1 },
            RolloutFailure.Unknown => executed with { Unknown = Unknown + 1 },
            _ => executed with { Failed = Failed + 1 },
        };
    }

    /// <summary>The devices that failed as an abort criterion names: failed, timedOut, notOnline, or any of them.</summary>
    public int FailedAs(string failureType) => failureType switch
    {
        "failed" => Failed,
        "timedOut" => TimedOut,
        "notOnline" => NotOnline,
        _ => Failed + TimedOut + NotOnline + Unknown,
    };
}
