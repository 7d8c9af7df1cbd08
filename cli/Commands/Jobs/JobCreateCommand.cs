using System.CommandLine;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary>
/// <c>iotjobs job create</c>: <c>PUT /jobs/v2/{id}</c> with az iot hub job create's options (docs/iothub-api.md,
/// "Jobs v2") and the rollout's (<see cref="RolloutOptions"/>); <c>--wait</c> follows it to the end like <c>job watch</c>.
/// </summary>
public static class JobCreateCommand
{
    public static Command Build()
    {
        var request = new JobRequestOptions();
        var wait = new Option<bool>("--wait", "-w") { Description = "show live progress until the job ends; the exit code tells how it ended" };
        var waiting = new WaitOptions();

        var command = new Command("create", "Create a job that calls a direct method or updates twins on the devices a query selects, optionally as a paced rollout");
        request.AddTo(command);
        command.Add(wait);
        waiting.AddTo(command);
        command.Runs(async context =>
        {
            var (id, body) = request.Read(context);
            var created = (await context.Hub.SendAsync(HttpMethod.Put, $"/jobs/v2/{Uri.EscapeDataString(id)}", body, context.Cancellation)).Body!;
            if (!context.Value(wait))
            {
                context.Printer.Result(created, () => JobView.Sheet(created));
                return ExitCodes.Success;
            }
            context.Printer.Note($"created job '{id}'");
            return await JobFollower.FollowAsync(context, id, waiting);
        });
        return command;
    }
}
