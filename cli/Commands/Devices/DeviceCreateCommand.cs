using System.CommandLine;
using System.Text.Json.Nodes;
using IotHubJobs.Cli.Hub;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands.Devices;

/// <summary>
/// <c>iotjobs device create</c>: one bulk entry (<c>POST /devices</c>, import mode create), so the identity and its tags
/// are created together; then the new identity is read back.
/// </summary>
public static class DeviceCreateCommand
{
    public static Command Build()
    {
        var id = new IdInput("device id", "--device-id", "-d");
        var tags = new Option<string?>("--tags") { Description = "the twin's tags as a JSON object, or @file.json; {\"sim\":{}} makes it a simulated device" };
        var status = new Option<string?>("--status") { Description = "enabled (default) or disabled" };
        status.AcceptOnlyFromAmong("enabled", "disabled");
        var command = id.AddTo(new Command("create", "Register a device (with tags)")) ;
        command.Add(tags);
        command.Add(status);
        command.Runs(async context =>
        {
            var deviceId = id.Read(context);
            var entry = new JsonObject { ["id"] = deviceId, ["importMode"] = "create" };
            if (context.Value(status) is { } s) entry["status"] = s;
            if (context.Value(tags) is { } t) entry["tags"] = JsonInput.Object("--tags", t);
            var result = await BulkImport.SendAsync(context.Hub, [entry], context.Cancellation);
            if (result.Errors.Count > 0) throw new HubRequestException(result.Errors[0].AsError());
            var device = (await context.Hub.GetAsync($"/devices/{Uri.EscapeDataString(deviceId)}", context.Cancellation)).Body!;
            context.Printer.Result(device, () => DeviceView.Identity(device));
            return ExitCodes.Success;
        });
        return command;
    }
}
