using System.CommandLine;
using System.Text.Json.Nodes;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands;

/// <summary><c>iotjobs twin show|update</c>: <c>GET</c> and <c>PATCH /twins/{id}</c> (docs/iothub-api.md, "Device twins").</summary>
public static class TwinCommands
{
    public static Command Build() => new("twin", "Show and update device twins") { Show(), Update() };

    private static Command Show()
    {
        var id = new IdInput("device id", "--device-id", "-d");
        var command = id.AddTo(new Command("show", "Show a device's twin: tags, desired and reported properties"));
        command.Runs(async context =>
        {
            var twin = (await context.Hub.GetAsync($"/twins/{Uri.EscapeDataString(id.Read(context))}", context.Cancellation)).Body!;
            context.Printer.Result(twin, () => DeviceView.Twin(twin));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Update()
    {
        var id = new IdInput("device id", "--device-id", "-d");
        var tags = new Option<string?>("--tags") { Description = "tags to merge, as a JSON object or @file.json (null removes a tag)" };
        var desired = new Option<string?>("--desired") { Description = "desired properties to merge, as a JSON object or @file.json" };
        var etag = new Option<string?>("--etag", "-e") { Description = "update only if the twin still has this etag" };
        var command = id.AddTo(new Command("update", "Merge tags and desired properties into a twin"));
        command.Add(tags);
        command.Add(desired);
        command.Add(etag);
        command.Runs(async context =>
        {
            var patch = new JsonObject();
            if (context.Value(tags) is { } t) patch["tags"] = JsonInput.Object("--tags", t);
            if (context.Value(desired) is { } d) patch["properties"] = new JsonObject { ["desired"] = JsonInput.Object("--desired", d) };
            if (patch.Count == 0) throw new UsageException("give --tags and/or --desired");
            var match = context.Value(etag) is { } e ? $"\"{e.Trim('"')}\"" : null;
            var twin = (await context.Hub.SendAsync(new HttpMethod("PATCH"), $"/twins/{Uri.EscapeDataString(id.Read(context))}", patch,
                context.Cancellation, null, match)).Body!;
            context.Printer.Result(twin, () => DeviceView.Twin(twin));
            return ExitCodes.Success;
        });
        return command;
    }
}
