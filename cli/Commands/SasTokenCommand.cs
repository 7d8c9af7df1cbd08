using System.CommandLine;
using IotHubJobs.Security;

namespace IotHubJobs.Cli.Commands;

/// <summary>
/// <c>iotjobs sas-token</c>: prints a SAS token of the configured policy (as <c>az iot hub generate-sas-token</c> does), for
/// curl and other hand-made requests: <c>curl -H "Authorization: $(iotjobs sas-token)" …</c>.
/// </summary>
public static class SasTokenCommand
{
    public static Command Build()
    {
        var duration = new Option<int>("--duration", "--du")
        {
            Description = "seconds the token is valid (default 3600)", DefaultValueFactory = _ => 3600,
        };
        var command = new Command("sas-token", "Print a SAS token of the configured policy, for curl and other hand-made requests") { duration };
        command.Runs(context =>
        {
            var seconds = context.Value(duration);
            if (seconds is < 1 or > 365 * 24 * 3600) throw new UsageException("--duration must be between 1 second and a year");
            var settings = CommandActions.LoadSettings();
            context.Printer.Line(SharedAccessSignatureBuilder.Create(settings.Connection, TimeSpan.FromSeconds(seconds)));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}
