using System.CommandLine;

namespace IotHubJobs.Cli.Commands.Devices;

/// <summary><c>iotjobs device …</c>: the device registry.</summary>
public static class DeviceCommands
{
    public static Command Build() => new("device", "Register, show, list, delete and import devices")
    {
        DeviceCreateCommand.Build(),
        DeviceShowCommand.Build(),
        DeviceListCommand.Build(),
        DeviceDeleteCommand.Build(),
        DeviceImportCommand.Build(),
    };
}
