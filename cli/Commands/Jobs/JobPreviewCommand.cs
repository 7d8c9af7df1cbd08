using System.CommandLine;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary>
/// <c>iotjobs job preview</c>: the options of <c>job create</c> sent as a dry run, <c>PUT /jobs/v2/{id}?dryRun=true</c>
/// (services/jobs-api/Jobs/Rollouts/DryRun.cs): the hub checks the request as it would a real one and answers how many
/// devices match now, the first of them, the wave plan and the estimated duration, and records nothing.
/// </summary>
public static class JobPreviewCommand
{
    public static Command Build()
    {
        var request = new JobRequestOptions();
        var command = new Command("preview",
            "Dry run: what 'job create' with these options would do now (matching devices, a sample, the waves, the estimated duration); nothing is created");
        request.AddTo(command);
        command.Runs(async context =>
        {
            var (id, body) = request.Read(context, defaultPrefix: "preview");
            var plan = (await context.Hub.SendAsync(HttpMethod.Put, $"/jobs/v2/{Uri.EscapeDataString(id)}?dryRun=true", body, context.Cancellation)).Body!;
            context.Printer.Result(plan, () => PreviewView.Plan(plan));
            return ExitCodes.Success;
        });
        return command;
    }
}
