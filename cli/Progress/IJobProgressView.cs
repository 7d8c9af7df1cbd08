namespace IotHubJobs.Cli.Progress;

/// <summary>Where a watcher reports: a live bar on a terminal, plain lines in a log.</summary>
public interface IJobProgressView
{
    void Show(JobSnapshot job);
    void Note(string text);
}
