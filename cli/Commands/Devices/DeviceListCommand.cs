using System.CommandLine;
using System.Text.Json.Nodes;
using IotHubJobs.Cli.Hub;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands.Devices;

/// <summary><c>iotjobs device list</c>: the twins of <c>SELECT * FROM devices</c>, page by page, as az lists device identities.</summary>
public static class DeviceListCommand
{
    public static Command Build()
    {
        var top = new Option<int?>("--top") { Description = "at most this many devices (default 1000; 0 for all)", DefaultValueFactory = _ => 1000 };
        var command = new Command("list", "List devices (their twins: id, status, connection state, tags)") { top };
        command.Runs(async context =>
        {
            var limit = context.Value(top);
            if (limit < 0) throw new UsageException("--top must be 0 (all) or more");
            var rows = new JsonArray();
            await foreach (var row in QueryPages.DeviceQueryAsync(context.Hub, "SELECT * FROM devices", limit == 0 ? null : limit, context.Cancellation))
                rows.Add(row);
            context.Printer.Result(rows, () => DeviceView.Rows(rows.OfType<JsonNode>().ToList()));
            return ExitCodes.Success;
        });
        return command;
    }
}
