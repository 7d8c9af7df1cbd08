using System.CommandLine;
using System.Text.Json.Nodes;
using IotHubJobs.Cli.Hub;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands;

/// <summary>
/// <c>iotjobs query "SELECT …"</c>: <c>POST /devices/query</c>, every page through <c>x-ms-continuation</c> unless
/// <c>--top</c> stops earlier (docs/iothub-api.md, "Query paging"). Twins, projections, aggregates and <c>devices.jobs</c>.
/// </summary>
public static class QueryCommand
{
    public static Command Build()
    {
        var text = new Argument<string?>("query") { Arity = ArgumentArity.ZeroOrOne, Description = "the query, e.g. \"SELECT * FROM devices WHERE tags.building = '43'\"" };
        var option = new Option<string?>("--query-command", "-q") { Description = "the query (as az iot hub query names it)" };
        var top = new Option<int?>("--top") { Description = "at most this many rows (default: all)" };
        var pageSize = new Option<int>("--page-size")
        {
            Description = "rows per request, 1-1000 (default 1000); every page is read either way", DefaultValueFactory = _ => QueryPages.MaxPageSize,
        };
        var command = new Command("query", "Run an IoT Hub query over devices, twins or device jobs, reading every page") { text, option, top, pageSize };
        command.Runs(async context =>
        {
            var query = context.Value(option) ?? context.Value(text) ?? throw new UsageException("the query is missing");
            if (context.Value(top) is <= 0) throw new UsageException("--top must be positive");
            if (context.Value(pageSize) is < 1 or > QueryPages.MaxPageSize) throw new UsageException("--page-size must be between 1 and 1000");
            var rows = new JsonArray();
            await foreach (var row in QueryPages.DeviceQueryAsync(context.Hub, query, context.Value(top), context.Cancellation, context.Value(pageSize))) rows.Add(row);
            context.Printer.Result(rows, () => DeviceView.Rows(rows.OfType<JsonNode>().ToList()));
            return ExitCodes.Success;
        });
        return command;
    }
}
