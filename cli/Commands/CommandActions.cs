using System.CommandLine;
using IotHubJobs.Cli.Hub;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands;

/// <summary>
/// Runs a command's action and turns what can go wrong into one line on stderr and an exit code (<see cref="ExitCodes"/>):
/// the hub's refusal with its IoT Hub error code, an unreachable or unconfigured hub, a usage mistake, Ctrl-C.
/// </summary>
public static class CommandActions
{
    /// <summary>Settings come from the process environment and working folder; specs and the launcher set both.</summary>
    public static Func<HubSettings> LoadSettings { get; set; } =
        () => HubSettings.Load(Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory());

    public static void Runs(this Command command, Func<CommandContext, Task<int>> action) =>
        command.SetAction((parse, ct) => RunAsync(parse, ct, action));

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken ct, Func<CommandContext, Task<int>> action)
    {
        var printer = new Printer(parse.GetValue(CommonOptions.Output));
        var context = new CommandContext(parse, printer, () => new HubClient(LoadSettings()), ct);
        try
        {
            return await action(context);
        }
        catch (HubRequestException e)
        {
            printer.Fail(e.Error.ToString());
            return ExitCodes.HubRefused;
        }
        catch (Exception e) when (e is HubUnreachableException or HubNotConfiguredException)
        {
            printer.Fail(e.Message);
            return ExitCodes.Unreachable;
        }
        catch (UsageException e)
        {
            printer.Fail(e.Message);
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            printer.Note("interrupted");
            return ExitCodes.Interrupted;
        }
        finally
        {
            context.DisposeHub();
        }
    }
}
