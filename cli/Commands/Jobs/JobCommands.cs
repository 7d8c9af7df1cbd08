using System.CommandLine;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary>
/// <c>iotjobs job …</c>, named as az iot hub job names them, and the rollout commands az has no counterpart for
/// (preview, pause, resume, approve, cancel-device; cli/README.md, "Rollouts").
/// </summary>
public static class JobCommands
{
    public static Command Build() => new("job", "Create, preview, watch, show, list, pause, resume, approve and cancel jobs")
    {
        JobCreateCommand.Build(),
        JobPreviewCommand.Build(),
        JobWatchCommand.Build(),
        JobShowCommand.Build(),
        JobListCommand.Build(),
        JobCancelCommand.Build(),
        JobControlCommands.Pause(),
        JobControlCommands.Resume(),
        JobControlCommands.Approve(),
        JobCancelDeviceCommand.Build(),
    };
}
