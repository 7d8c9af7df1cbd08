using System.CommandLine;
using System.Text.Json.Nodes;
using IotHubJobs.Cli.Import;
using IotHubJobs.Cli.Output;
using Spectre.Console;

namespace IotHubJobs.Cli.Commands.Devices;

/// <summary>
/// <c>iotjobs device import</c>: registers the devices of a CSV or JSON-lines file (<see cref="DeviceFileReader"/>) in
/// bulk calls of 100 with a progress bar. Refused devices are listed at the end and make the exit code 4; the others stay
/// imported.
/// </summary>
public static class DeviceImportCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "a .csv file (header: id, status, tags, tags.<name>...) or a .jsonl file (one {\"id\",\"tags\",\"status\"} per line)" };
        file.AcceptExistingOnly();
        var format = new Option<string?>("--format") { Description = "csv or jsonl (default: from the file name)" };
        format.AcceptOnlyFromAmong("csv", "jsonl");
        var mode = new Option<string>("--import-mode")
        {
            Description = "create (default: refuse devices that exist), update (create or replace identity and tags), updateTwin (tags of existing devices)",
            DefaultValueFactory = _ => "create",
        };
        mode.AcceptOnlyFromAmong("create", "update", "updateTwin");
        var command = new Command("import", "Register the devices of a CSV or JSON-lines file, 100 per call") { file, format, mode };
        command.Runs(async context =>
        {
            IReadOnlyList<DeviceRecord> devices;
            try
            {
                devices = DeviceFileReader.Read(context.Value(file)!.FullName, context.Value(format));
            }
            catch (DeviceFileException e)
            {
                throw new UsageException($"{context.Value(file)!.Name}: {e.Message}");
            }
            var importMode = context.Value(mode)!;
            var errors = new List<DeviceImportError>();
            async Task ImportAsync(Action<int> advanced)
            {
                foreach (var batch in devices.Chunk(BulkImport.MaxBatch))
                {
                    var result = await BulkImport.SendAsync(context.Hub, batch.Select(d => d.ToEntry(importMode)).ToList(), context.Cancellation);
                    errors.AddRange(result.Errors);
                    advanced(batch.Length);
                }
            }

            var printer = context.Printer;
            if (printer.ErrorIsInteractive)
            {
                await printer.Error.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async progress =>
                    {
                        var task = progress.AddTask($"importing {devices.Count} devices", maxValue: Math.Max(1, devices.Count));
                        await ImportAsync(n => task.Increment(n));
                    });
            }
            else
            {
                var done = 0;
                await ImportAsync(n => printer.Note($"sent {done += n} of {devices.Count}"));
            }

            var summary = new JsonObject
            {
                ["devices"] = devices.Count,
                ["imported"] = devices.Count - errors.Count,
                ["refused"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject { ["deviceId"] = e.DeviceId, ["errorCode"] = e.ErrorCode }).ToArray()),
            };
            printer.Result(summary, () =>
            {
                var table = new Table().AddColumns("deviceId", "errorCode");
                foreach (var e in errors.Take(20)) table.AddRow(Markup.Escape(e.DeviceId), Markup.Escape(e.ErrorCode));
                return new Rows(new Text($"{devices.Count - errors.Count} of {devices.Count} devices imported, {errors.Count} refused"),
                    errors.Count > 0 ? table : new Text(""));
            });
            return errors.Count == 0 ? ExitCodes.Success : ExitCodes.SomeFailed;
        });
        return command;
    }
}
