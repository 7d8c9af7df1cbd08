using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary>
/// The options that describe a JobRequest (docs/iothub-api.md, "Jobs v2"), with az iot hub job create's names, plus the
/// rollout (<see cref="RolloutOptions"/>) and the recurrence (<see cref="RecurrenceOptions"/>). <c>job create</c> sends the request; <c>job preview</c> sends it as a dry run.
/// </summary>
public sealed class JobRequestOptions
{
    private readonly Option<string?> _jobId = new("--job-id", "-j") { Description = "the job's id (1-64 letters, digits, '-'); default: job-<UTC time>-<random>" };
    private readonly Option<string> _jobType = new("--job-type", "--jt")
    {
        Description = "scheduleDeviceMethod or scheduleUpdateTwin", Required = true, HelpName = "scheduleDeviceMethod|scheduleUpdateTwin",
    };
    private readonly Option<string> _query = new("--query-condition", "-q")
    {
        Description = "the devices: a WHERE condition without WHERE, e.g. \"tags.building = '43'\" (* for every device)", Required = true,
    };
    private readonly Option<string?> _methodName = new("--method-name", "--mn") { Description = "scheduleDeviceMethod: the direct method to call" };
    private readonly Option<string?> _payload = new("--method-payload", "--mp") { Description = "scheduleDeviceMethod: its JSON payload, or @file.json (default {})" };
    private readonly Option<int?> _responseTimeout = new("--method-response-timeout", "--mrt") { Description = "seconds a device has to answer, 5-300 (default 30)" };
    private readonly Option<int?> _connectTimeout = new("--method-connect-timeout", "--mct") { Description = "seconds to wait for an offline device to connect, 0-300 (default 0)" };
    private readonly Option<string?> _twinPatch = new("--twin-patch", "--patch")
    {
        Description = "scheduleUpdateTwin: {\"tags\":{...},\"properties\":{\"desired\":{...}}}, or @file.json (etag * is added)",
    };
    private readonly Option<string?> _start = new("--start-time", "--start") { Description = "ISO 8601 start, e.g. 2030-01-01T00:00:00Z (default: now)" };
    private readonly Option<int?> _ttl = new("--ttl") { Description = "maxExecutionTimeInSeconds: stop after this many seconds, 1-2592000 (default 3600)" };
    private readonly RolloutOptions _rollout = new();
    private readonly RecurrenceOptions _recurrence = new();

    public JobRequestOptions() => _jobType.AcceptOnlyFromAmong("scheduleDeviceMethod", "scheduleUpdateTwin");

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _jobId, _jobType, _query, _methodName, _payload, _responseTimeout, _connectTimeout, _twinPatch, _start, _ttl })
            command.Add(option);
        _rollout.AddTo(command);
        _recurrence.AddTo(command);
    }

    /// <summary>The job's id and its JobRequest; a mistake the hub need not see is a <see cref="UsageException"/>.</summary>
    public (string Id, JsonObject Body) Read(CommandContext context, string defaultPrefix = "job")
    {
        var id = context.Value(_jobId) ?? $"{defaultPrefix}-{DateTime.UtcNow:yyyyMMddHHmmss}-{Random.Shared.Next(0x10000):x4}";
        var type = context.Value(_jobType)!;
        var body = new JsonObject
        {
            ["jobId"] = id,
            ["type"] = type,
            ["queryCondition"] = context.Value(_query),
        };
        if (context.Value(_start) is { } startText) body["startTime"] = Time("--start-time", startText);
        if (context.Value(_ttl) is { } seconds) body["maxExecutionTimeInSeconds"] = seconds;
        if (type == "scheduleDeviceMethod")
        {
            if (context.Value(_twinPatch) is not null) throw new UsageException("--twin-patch belongs to --job-type scheduleUpdateTwin");
            var method = new JsonObject
            {
                ["methodName"] = context.Value(_methodName) ?? throw new UsageException("--method-name is required for scheduleDeviceMethod"),
                ["payload"] = JsonInput.Parse("--method-payload", context.Value(_payload)) ?? new JsonObject(),
            };
            if (context.Value(_responseTimeout) is { } r) method["responseTimeoutInSeconds"] = r;
            if (context.Value(_connectTimeout) is { } c) method["connectTimeoutInSeconds"] = c;
            body["cloudToDeviceMethod"] = method;
        }
        else
        {
            if (context.Value(_methodName) is not null) throw new UsageException("--method-name belongs to --job-type scheduleDeviceMethod");
            var patch = JsonInput.Object("--twin-patch", context.Value(_twinPatch) ?? throw new UsageException("--twin-patch is required for scheduleUpdateTwin"));
            patch["etag"] ??= "*";
            body["updateTwin"] = patch;
        }
        if (_rollout.Read(context) is { } rollout) body["rollout"] = rollout;
        if (_recurrence.Read(context) is { } recurrence) body["recurrence"] = recurrence;
        return (id, body);
    }

    /// <summary>An ISO 8601 time as the hub writes times (UTC, seven fractional digits).</summary>
    public static string Time(string option, string text)
    {
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            throw new UsageException($"{option} '{text}' is not an ISO 8601 time (e.g. 2030-01-01T00:00:00Z)");
        return time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
    }
}
