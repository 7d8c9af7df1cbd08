using System.Text.Json.Nodes;
using IotHubJobs.Cli.Output;
using IotHubJobs.Cli.Progress;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary>
/// Shows a job's progress on stderr until it ends (a live bar on a terminal, plain lines otherwise), then its final
/// document and statistics on stdout, and returns the exit code it earned (<see cref="JobOutcome"/>).
/// </summary>
public static class JobFollower
{
    public static async Task<int> FollowAsync(CommandContext context, string jobId, WaitOptions options)
    {
        var (interval, duration) = options.Read(context);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        if (duration is { } d) limit.CancelAfter(d);
        var printer = context.Printer;
        JsonNode job;
        try
        {
            if (printer.ErrorIsInteractive)
            {
                var live = new LiveProgressView(TimeProvider.System);
                job = await live.RunAsync(printer.Error, () => new JobWatcher(context.Hub, live, interval).WatchAsync(jobId, limit.Token));
            }
            else
            {
                var lines = new LineProgressView(printer.Error, TimeProvider.System, TimeSpan.FromSeconds(2));
                job = await new JobWatcher(context.Hub, lines, interval).WatchAsync(jobId, limit.Token);
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !context.Cancellation.IsCancellationRequested)
        {
            job = (await context.Hub.GetAsync($"/jobs/v2/{Uri.EscapeDataString(jobId)}", context.Cancellation)).Body!;
            printer.Note($"stopped waiting after {duration!.Value.TotalSeconds:0} s; job '{jobId}' is still {JobSnapshot.From(job).Status}");
            printer.Result(job, () => JobView.Sheet(job));
            return ExitCodes.StillRunning;
        }
        printer.Result(job, () => JobView.Sheet(job));
        return JobOutcome.ExitCode(job);
    }
}
