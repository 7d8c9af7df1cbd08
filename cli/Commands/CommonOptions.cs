using System.CommandLine;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands;

/// <summary>Options every command takes.</summary>
public static class CommonOptions
{
    public static readonly Option<OutputFormat> Output = new("--output", "-o")
    {
        Description = "table for people (default), json for scripts",
        DefaultValueFactory = _ => OutputFormat.Table,
        Recursive = true,
        HelpName = "table|json",
    };
}
