using System.CommandLine;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary><c>iotjobs job show</c>: <c>GET /jobs/v2/{id}</c>.</summary>
public static class JobShowCommand
{
    public static Command Build()
    {
        var id = new IdInput("job id", "--job-id", "-j");
        var command = id.AddTo(new Command("show", "Show a job: its status, times and device statistics"));
        command.Runs(async context =>
        {
            var job = (await context.Hub.GetAsync($"/jobs/v2/{Uri.EscapeDataString(id.Read(context))}", context.Cancellation)).Body!;
            context.Printer.Result(job, () => JobView.Sheet(job));
            return ExitCodes.Success;
        });
        return command;
    }
}
