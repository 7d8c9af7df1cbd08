using System.CommandLine;
using System.Text.Json.Nodes;
using IotHubJobs.Cli.Hub;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary><c>iotjobs job list</c>: <c>GET /jobs/v2/query</c>, every page (docs/iothub-api.md, "Query paging").</summary>
public static class JobListCommand
{
    public static Command Build()
    {
        var type = new Option<string?>("--job-type", "--jt") { Description = "only jobs of this type", HelpName = "scheduleDeviceMethod|scheduleUpdateTwin" };
        var status = new Option<string?>("--job-status", "--js")
        {
            Description = "only jobs in this status", HelpName = "queued|scheduled|running|paused|completed|failed|cancelled",
        };
        var top = new Option<int?>("--top") { Description = "at most this many jobs (default: all)" };
        var command = new Command("list", "List the jobs of the last 30 days, oldest first") { type, status, top };
        command.Runs(async context =>
        {
            if (context.Value(top) is <= 0) throw new UsageException("--top must be positive");
            var jobs = new JsonArray();
            await foreach (var job in QueryPages.JobsAsync(context.Hub, context.Value(type), context.Value(status), context.Value(top), context.Cancellation))
                jobs.Add(job);
            context.Printer.Result(jobs, () => JobView.List(jobs.OfType<JsonNode>()));
            return ExitCodes.Success;
        });
        return command;
    }
}
