using System.CommandLine;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands.Devices;

/// <summary><c>iotjobs device show</c>: <c>GET /devices/{id}</c>.</summary>
public static class DeviceShowCommand
{
    public static Command Build()
    {
        var id = new IdInput("device id", "--device-id", "-d");
        var command = id.AddTo(new Command("show", "Show a device's identity (status, connection state, etag)"));
        command.Runs(async context =>
        {
            var device = (await context.Hub.GetAsync($"/devices/{Uri.EscapeDataString(id.Read(context))}", context.Cancellation)).Body!;
            context.Printer.Result(device, () => DeviceView.Identity(device));
            return ExitCodes.Success;
        });
        return command;
    }
}
