using System.CommandLine;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary><c>iotjobs job watch</c>: live progress from the job's event stream (or polling) until it ends.</summary>
public static class JobWatchCommand
{
    public static Command Build()
    {
        var id = new IdInput("job id", "--job-id", "-j");
        var waiting = new WaitOptions();
        var command = id.AddTo(new Command("watch",
            "Show a job's live progress (succeeded, failed, running, pending, rate, ETA) until it ends; exit code 0 only if no device failed"));
        waiting.AddTo(command);
        command.Runs(context => JobFollower.FollowAsync(context, id.Read(context), waiting));
        return command;
    }
}
