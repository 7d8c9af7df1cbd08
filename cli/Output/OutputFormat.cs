namespace IotHubJobs.Cli.Output;

/// <summary><c>--output table</c> for people (the default), <c>--output json</c> for scripts.</summary>
public enum OutputFormat
{
    Table,
    Json,
}
