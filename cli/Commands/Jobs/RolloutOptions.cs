using System.CommandLine;
using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary>
/// The <c>rollout</c> of a JobRequest (libs/Rollouts/RolloutRequest.cs holds its rules; cli/README.md, "Rollouts"): <c>--rollout</c>
/// takes the whole object as JSON or <c>@file.json</c>, and a few shortcuts set its common fields. A shortcut and the same
/// field in <c>--rollout</c> are a usage error rather than one silently winning. Only the syntax is checked here; ranges
/// and combinations are the hub's to refuse (exit code 1 with the field named), so there is one rule book.
/// </summary>
public sealed class RolloutOptions
{
    private readonly Option<string?> _rollout = new("--rollout")
    {
        Description = "the whole rollout object as JSON or @file.json: maximumPerMinute, exponentialRate, waves, abortCriteria, retry, acknowledgement, maintenanceWindows, endTime, endBehavior",
    };
    private readonly Option<int?> _maxPerMinute = new("--max-per-minute", "--rate") { Description = "rollout.maximumPerMinute: dispatch at most this many devices a minute, 1-100000" };
    private readonly Option<string?> _waves = new("--waves")
    {
        Description = "rollout.waves, comma-separated, each SIZE[:BAKE_SECONDS[:MIN_SUCCESS_%]][:approve] where SIZE is a cumulative share (10%) or device count (50); e.g. 1%:600:99:approve,100%",
        HelpName = "waves",
    };
    private readonly Option<string?> _abort = new("--abort-criteria", "--abort")
    {
        Description = "rollout.abortCriteria, comma-separated, each TYPE:THRESHOLD_%:ACTION[:MIN_EXECUTED] (TYPE failed|timedOut|notOnline|any, ACTION cancel|pause); e.g. failed:10:cancel:50",
        HelpName = "criteria",
    };
    private readonly Option<string?> _endTime = new("--end-time") { Description = "rollout.endTime (ISO 8601): no dispatch after it" };
    private readonly Option<string?> _endBehavior = new("--end-behavior") { Description = "rollout.endBehavior at the end time: stopRollout (default) or cancel", HelpName = "stopRollout|cancel" };

    public RolloutOptions() => _endBehavior.AcceptOnlyFromAmong("stopRollout", "cancel");

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _rollout, _maxPerMinute, _waves, _abort, _endTime, _endBehavior }) command.Add(option);
    }

    /// <summary>The rollout object, or null when no rollout option was given.</summary>
    public JsonObject? Read(CommandContext context)
    {
        var rollout = context.Value(_rollout) is { } text ? JsonInput.Object("--rollout", text) : null;
        void Set(string option, string field, JsonNode? value)
        {
            rollout ??= new JsonObject();
            if (rollout.ContainsKey(field)) throw new UsageException($"{option} and the {field} of --rollout are both given; keep one");
            rollout[field] = value;
        }
        if (context.Value(_maxPerMinute) is { } rate) Set("--max-per-minute", "maximumPerMinute", rate);
        if (context.Value(_waves) is { } waves) Set("--waves", "waves", WaveSpec.Parse(waves));
        if (context.Value(_abort) is { } abort) Set("--abort-criteria", "abortCriteria", AbortCriteriaSpec.Parse(abort));
        if (context.Value(_endTime) is { } end) Set("--end-time", "endTime", JobRequestOptions.Time("--end-time", end));
        if (context.Value(_endBehavior) is { } behavior) Set("--end-behavior", "endBehavior", behavior);
        return rollout;
    }
}
