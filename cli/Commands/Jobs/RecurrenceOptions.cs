using System.CommandLine;
using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary>
/// The <c>recurrence</c> of a JobRequest (docs/rollouts.md, "Recurrence"; cli/README.md, "Recurring jobs"): the job becomes a
/// template that creates a child job at each occurrence of <c>--recurrence</c>, a cron expression, in
/// <c>--recurrence-time-zone</c>. Only the syntax is checked here; the hub refuses a cron that never fires or an unknown
/// time zone (exit code 1 with the field named), so there is one rule book.
/// </summary>
public sealed class RecurrenceOptions
{
    private readonly Option<string?> _cron = new("--recurrence")
    {
        Description = "make the job a template that creates a child job at each occurrence of this cron expression, e.g. \"0 3 * * 1\" (Mondays 03:00)",
        HelpName = "cron",
    };
    private readonly Option<string?> _timeZone = new("--recurrence-time-zone")
    {
        Description = "the time zone the --recurrence cron is read in (IANA id, e.g. Europe/Berlin; default UTC)",
        HelpName = "zone",
    };

    public void AddTo(Command command)
    {
        command.Add(_cron);
        command.Add(_timeZone);
    }

    /// <summary>The recurrence object, or null when no recurrence option was given.</summary>
    public JsonObject? Read(CommandContext context)
    {
        var cron = context.Value(_cron);
        var zone = context.Value(_timeZone);
        if (cron is null)
            return zone is null ? null : throw new UsageException("--recurrence-time-zone needs --recurrence (the cron expression)");
        if (string.IsNullOrWhiteSpace(cron)) throw new UsageException("--recurrence needs a cron expression, e.g. \"0 3 * * 1\"");
        var recurrence = new JsonObject { ["cron"] = cron.Trim() };
        if (zone is not null) recurrence["timeZone"] = zone;
        return recurrence;
    }
}
