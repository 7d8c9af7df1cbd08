using System.Text.Json.Nodes;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Contracts.Jobs.Rollouts;
using JobsApi.Jobs;

namespace JobsApi.Events;

/// <summary>
/// The transitions of a rollout as public events (docs/events.md, "Rollout events"): a wave started, completed, waits for approval
/// or was approved, the job was paused or resumed, the rollout was aborted (an abort criterion cancelled it, a wave fell
/// below its success share, its endTime passed). A pause shows as <c>rollout.paused</c>, not as a <c>job.*</c> status.
/// </summary>
public static class RolloutHubEvents
{
    public const string WaveStarted = "rollout.waveStarted";
    public const string WaveCompleted = "rollout.waveCompleted";
    public const string ApprovalRequested = "rollout.approvalRequested";
    public const string Approved = "rollout.approved";
    public const string Paused = "rollout.paused";
    public const string Resumed = "rollout.resumed";
    public const string Aborted = "rollout.aborted";

    public static readonly string[] Sent = [WaveStarted, WaveCompleted, ApprovalRequested, Approved, Paused, Resumed, Aborted];

    /// <summary>Log events that yield a rollout event and change nothing a <c>job.*</c> status event shows.</summary>
    public static bool IsRolloutOnly(object data) =>
        data is RolloutWaveStarted or RolloutWaveCompleted or RolloutWaveAwaitingApproval or RolloutWaveApproved or JobPaused or JobResumed;

    /// <summary>The rollout event of a log event, given the job before it; null when it yields none.</summary>
    public static (string Type, JsonObject Data)? Of(object data, JobStatus before) => data switch
    {
        RolloutWaveStarted w => (WaveStarted, new JsonObject { ["jobId"] = w.JobId, ["wave"] = w.Wave, ["devicesThrough"] = w.DevicesThrough }),
        RolloutWaveCompleted c => (WaveCompleted, new JsonObject
            { ["jobId"] = c.JobId, ["wave"] = c.Wave, ["devices"] = c.Devices, ["succeeded"] = c.Succeeded }),
        RolloutWaveAwaitingApproval a => (ApprovalRequested, new JsonObject { ["jobId"] = a.JobId, ["wave"] = a.Wave, ["nextWave"] = a.Wave + 1 }),
        RolloutWaveApproved a => (Approved, new JsonObject { ["jobId"] = a.JobId, ["wave"] = a.Wave }),
        JobPaused p when before.Status == JobStatuses.Running => (Paused, new JsonObject { ["jobId"] = p.JobId, ["reason"] = p.Reason }),
        JobResumed r when before.Status == JobStatuses.Paused => (Resumed, new JsonObject { ["jobId"] = r.JobId }),
        RolloutStopped s => (Aborted, new JsonObject { ["jobId"] = s.JobId, ["reason"] = s.Reason, ["cancelled"] = s.Cancelled }),
        JobCancelled { Reason: { } reason } c when !before.IsFinished => (Aborted, new JsonObject { ["jobId"] = c.JobId, ["reason"] = reason, ["cancelled"] = true }),
        _ => null,
    };
}
