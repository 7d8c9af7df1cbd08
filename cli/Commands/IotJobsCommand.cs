using System.CommandLine;
using IotHubJobs.Cli.Commands.Devices;
using IotHubJobs.Cli.Commands.Jobs;

namespace IotHubJobs.Cli.Commands;

/// <summary>The whole command tree of <c>iotjobs</c>.</summary>
public static class IotJobsCommand
{
    public static RootCommand Build()
    {
        var root = new RootCommand("""
            iotjobs: jobs, devices, twins, queries and direct methods of a self-hosted IoT hub.
            The hub comes from IOTHUB_CONNECTION_STRING and HUB_CA_CERT, or from .local/hub.env (written by ./run.sh).
            """)
        {
            JobCommands.Build(),
            DeviceCommands.Build(),
            TwinCommands.Build(),
            QueryCommand.Build(),
            MethodCommands.Build(),
            SasTokenCommand.Build(),
            CompletionCommand.Build(),
        };
        root.Add(CommonOptions.Output);
        return root;
    }
}
