using System.CommandLine;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands.Devices;

/// <summary><c>iotjobs device delete</c>: <c>DELETE /devices/{id}</c>, unconditionally unless <c>--etag</c> is given.</summary>
public static class DeviceDeleteCommand
{
    public static Command Build()
    {
        var id = new IdInput("device id", "--device-id", "-d");
        var etag = new Option<string?>("--etag", "-e") { Description = "delete only if the identity still has this etag (default: *)" };
        var command = id.AddTo(new Command("delete", "Delete a device from the registry"));
        command.Add(etag);
        command.Runs(async context =>
        {
            var deviceId = id.Read(context);
            var match = context.Value(etag) is { } e ? $"\"{e.Trim('"')}\"" : "\"*\"";
            await context.Hub.SendAsync(HttpMethod.Delete, $"/devices/{Uri.EscapeDataString(deviceId)}", null, context.Cancellation, null, match);
            if (context.Printer.Format == OutputFormat.Json) context.Printer.Json(new System.Text.Json.Nodes.JsonObject { ["deleted"] = deviceId });
            else context.Printer.Line($"deleted {deviceId}");
            return ExitCodes.Success;
        });
        return command;
    }
}
