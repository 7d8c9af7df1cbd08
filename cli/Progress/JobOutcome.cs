using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Progress;

/// <summary>The exit code a finished job earns (<see cref="ExitCodes"/>).</summary>
public static class JobOutcome
{
    public static int ExitCode(JsonNode job)
    {
        var snapshot = JobSnapshot.From(job);
        return snapshot.Status switch
        {
            "completed" when snapshot.Failed == 0 => ExitCodes.Success,
            "completed" => ExitCodes.SomeFailed,
            "failed" or "cancelled" => ExitCodes.JobNotCompleted,
            _ => ExitCodes.StillRunning,
        };
    }
}
