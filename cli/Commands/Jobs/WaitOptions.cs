using System.CommandLine;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary>How <c>job watch</c> and <c>job create --wait</c> wait, with az's names (<c>--poll-interval</c>, <c>--poll-duration</c>).</summary>
public sealed class WaitOptions
{
    public readonly Option<double> PollInterval = new("--poll-interval", "--interval")
    {
        Description = "seconds between reads of the job when it is read rather than streamed: no event stream, or a rollout (default 1; az's default is 10)",
        DefaultValueFactory = _ => 1,
    };

    public readonly Option<double?> PollDuration = new("--poll-duration", "--duration")
    {
        Description = "stop waiting after this many seconds (exit code 6; the job goes on); default: until the job ends",
    };

    public void AddTo(Command command)
    {
        command.Add(PollInterval);
        command.Add(PollDuration);
    }

    public (TimeSpan Interval, TimeSpan? Duration) Read(CommandContext context)
    {
        var interval = context.Value(PollInterval);
        var duration = context.Value(PollDuration);
        if (interval is <= 0 or > 3600) throw new UsageException("--poll-interval must be between 0 and 3600 seconds");
        if (duration is <= 0) throw new UsageException("--poll-duration must be positive");
        return (TimeSpan.FromSeconds(interval), duration is { } d ? TimeSpan.FromSeconds(d) : null);
    }
}
