using System.CommandLine;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary>
/// An operator's commands on a running rollout (services/jobs-api/Jobs/Rollouts: PauseJob.cs, ResumeJob.cs, ApproveWave.cs): <c>POST /jobs/v2/{id}/pause</c>,
/// <c>/resume</c> and <c>/approve</c>. Each prints the job as it is afterwards; a job in the wrong state for the command
/// is the hub's refusal (PreconditionFailed, exit code 1).
/// </summary>
public static class JobControlCommands
{
    public static Command Pause() => Build("pause",
        "Pause a running job: nothing more is dispatched until 'job resume'; devices already running finish");

    public static Command Resume() => Build("resume", "Resume a paused job: dispatch goes on where it stopped");

    public static Command Approve() => Build("approve",
        "Approve the next wave of a rollout whose finished wave waits for approval (requiresApproval)");

    private static Command Build(string verb, string description)
    {
        var id = new IdInput("job id", "--job-id", "-j");
        var command = id.AddTo(new Command(verb, description));
        command.Runs(async context =>
        {
            var job = (await context.Hub.SendAsync(HttpMethod.Post, $"/jobs/v2/{Uri.EscapeDataString(id.Read(context))}/{verb}", null, context.Cancellation)).Body!;
            context.Printer.Result(job, () => JobView.Sheet(job));
            return ExitCodes.Success;
        });
        return command;
    }
}
