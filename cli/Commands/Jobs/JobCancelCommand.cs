using System.CommandLine;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary><c>iotjobs job cancel</c>: <c>POST /jobs/v2/{id}/cancel</c> (docs/jobs.md, "Edges": also a running job).</summary>
public static class JobCancelCommand
{
    public static Command Build()
    {
        var id = new IdInput("job id", "--job-id", "-j");
        var command = id.AddTo(new Command("cancel", "Cancel a job: a queued or scheduled job never starts, a running one stops dispatching"));
        command.Runs(async context =>
        {
            var job = (await context.Hub.SendAsync(HttpMethod.Post, $"/jobs/v2/{Uri.EscapeDataString(id.Read(context))}/cancel", null, context.Cancellation)).Body!;
            context.Printer.Result(job, () => JobView.Sheet(job));
            return ExitCodes.Success;
        });
        return command;
    }
}
