using Spectre.Console;

namespace IotHubJobs.Cli.Progress;

/// <summary>
/// Progress for a log or a pipe: one plain line whenever the status or the counts change, at most one every
/// <c>minGap</c> unless the status changed, so a fast job does not flood the log.
/// </summary>
public sealed class LineProgressView(IAnsiConsole console, TimeProvider time, TimeSpan minGap) : IJobProgressView
{
    private readonly ProgressRate _rate = new(time);
    private JobSnapshot? _shown;
    private DateTimeOffset _shownAt;

    public void Show(JobSnapshot job)
    {
        _rate.Add(job.Finished);
        var now = time.GetUtcNow();
        if (_shown is not null && (_shown == job || (_shown.Status == job.Status && now - _shownAt < minGap))) return;
        console.Profile.Out.Writer.WriteLine(ProgressLine.Plain(job, _rate));
        _shown = job;
        _shownAt = now;
    }

    public void Note(string text) => console.Profile.Out.Writer.WriteLine(text);
}
