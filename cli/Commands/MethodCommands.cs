using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace IotHubJobs.Cli.Commands;

/// <summary>
/// <c>iotjobs method invoke</c>: <c>POST /twins/{id}/methods</c> (docs/iothub-api.md, "Direct methods"). A device that
/// answered, with whatever status, is a success: its status and payload are the result.
/// </summary>
public static class MethodCommands
{
    public static Command Build() => new("method", "Call direct methods on devices") { Invoke() };

    private static Command Invoke()
    {
        var id = new IdInput("device id", "--device-id", "-d");
        var name = new Option<string>("--method-name", "--mn") { Description = "the method", Required = true };
        var payload = new Option<string?>("--method-payload", "--mp") { Description = "its JSON payload, or @file.json (default {})" };
        var response = new Option<int?>("--method-response-timeout", "--mrt", "--timeout") { Description = "seconds the device has to answer, 5-300 (default 30)" };
        var connect = new Option<int?>("--method-connect-timeout", "--mct") { Description = "seconds to wait for an offline device, 0-300 (default 0)" };
        var command = id.AddTo(new Command("invoke", "Call a direct method on one device and wait for its answer"));
        foreach (var option in new Option[] { name, payload, response, connect }) command.Add(option);
        command.Runs(async context =>
        {
            var body = new JsonObject
            {
                ["methodName"] = context.Value(name),
                ["payload"] = JsonInput.Parse("--method-payload", context.Value(payload)) ?? new JsonObject(),
            };
            if (context.Value(response) is { } r) body["responseTimeoutInSeconds"] = r;
            if (context.Value(connect) is { } c) body["connectTimeoutInSeconds"] = c;
            var answer = (await context.Hub.SendAsync(HttpMethod.Post, $"/twins/{Uri.EscapeDataString(id.Read(context))}/methods", body, context.Cancellation)).Body!;
            context.Printer.Result(answer, () => new Grid().AddColumn().AddColumn()
                .AddRow(new Text("status"), new Text(answer["status"]?.ToJsonString() ?? ""))
                .AddRow(new Text("payload"), new Text(answer["payload"]?.ToJsonString() ?? "null")));
            return ExitCodes.Success;
        });
        return command;
    }
}
