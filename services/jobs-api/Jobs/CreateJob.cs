using IotHubJobs.Registry;
using IotHubJobs.IotHubErrors;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.DeviceTwins;
using IotHubJobs.Query;
using IotHubJobs.ServiceDefaults;
using JobsApi.Http;
using JobsApi.Jobs.Rollouts;
using IotHubJobs.Rollouts;
using JobsApi.Methods;
using Marten;
using Marten.Exceptions;

namespace JobsApi.Jobs;

/// <summary>
/// <c>PUT /jobs/v2/{jobId}</c>: validate a JobRequest and record <see cref="JobCreated"/> — or, with <c>?dryRun=true</c>,
/// answer what it would do and record nothing (<see cref="DryRun"/>).
/// </summary>
public static partial class CreateJob
{
    public const int MaxQueryLength = 8192;
    public const long DefaultMaxExecutionTimeInSeconds = 3600;
    /// <summary>64 less the suffix "-yyyyMMddTHHmmZ" of its occurrences (docs/rollouts.md, "Recurrence").</summary>
    public const int MaxRecurringJobIdLength = 49;

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex JobIdRule();

    public static async Task<IResult> Handle(string jobId, HttpRequest request, IDocumentSession session, DeviceRegistry registry, TimeProvider clock,
        CancellationToken ct)
    {
        if (!JobIdRule().IsMatch(jobId))
            return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, $"JobId '{ClientText.Shorten(jobId, 80)}' is invalid: use 1 to 64 US-ASCII letters, digits or '-'.");
        // GET /jobs/v2/events is every job's event stream (docs/events.md), so no job can be read under that name.
        if (string.Equals(jobId, "events", StringComparison.OrdinalIgnoreCase))
            return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, "JobId 'events' is reserved: /jobs/v2/events is the stream of every job's events.");
        var (body, invalidBody) = await RequestBody.ReadAsync(request, ct);
        if (invalidBody is not null) return IotHubErrorResponse.Result(invalidBody);
        if (body is not JsonObject job) return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, "The job request must be a JSON object.");

        // PostgreSQL keeps microseconds; a createdTime with finer ticks would list in a different order than it reads.
        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        var (created, refusal) = Validate(jobId, job, now);
        if (refusal is not null) return IotHubErrorResponse.Result(refusal);
        if (DryRun.Requested(request)) return await DryRun.AnswerAsync(created!, registry, ct);

        session.Events.StartStream<JobStatus>(jobId, created!);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ExistingStreamIdCollisionException)
        {
            return IotHubErrorResponse.Result(IotHubError.JobAlreadyExists, $"A job with id '{jobId}' already exists.");
        }
        JobMetrics.Record("created", created!.Type);
        return IotHubJson.Ok(new JsonObject { ["jobId"] = jobId, ["type"] = created!.Type, ["status"] = JobStatuses.Queued });
    }

    public static (JobCreated? Created, IotHubRefusal? Refusal) Validate(string jobId, JsonObject job, DateTimeOffset now)
    {
        if (job["jobId"] is { } bodyId && (bodyId.GetValueKind() != System.Text.Json.JsonValueKind.String || (string?)bodyId != jobId))
            return Fail(IotHubError.ArgumentInvalid, "jobId in the body does not match the jobId in the path.");

        var type = StringOrNull(job["type"]);
        if (type is not (JobTypes.ScheduleDeviceMethod or JobTypes.ScheduleUpdateTwin))
            return Fail(IotHubError.GenericBadRequest, "BadRequest: type must be scheduleDeviceMethod or scheduleUpdateTwin.");

        var query = StringOrNull(job["queryCondition"]);
        if (string.IsNullOrWhiteSpace(query))
            return Fail(IotHubError.ArgumentNull, "queryCondition is required.");
        if (query.Length > MaxQueryLength)
            return Fail(IotHubError.PreconditionFailed, $"queryCondition is longer than {MaxQueryLength} characters.");
        try
        {
            // Compiled as the scheduler will compile it, so what it would refuse is a 400 now rather than a failed job later.
            SqlCompiler.CompileCondition(QueryParser.ParseCondition(query, DeviceQuerySource.Source), DeviceQuerySource.Source);
        }
        catch (QueryException e)
        {
            return Fail(IotHubError.ArgumentInvalid, $"queryCondition is invalid: {e.Message}");
        }

        var (startTime, startError) = ParseStartTime(job["startTime"], now);
        if (startError is not null) return (null, startError);

        long maxExecution = DefaultMaxExecutionTimeInSeconds;
        if (job["maxExecutionTimeInSeconds"] is { } max && max.GetValueKind() != System.Text.Json.JsonValueKind.Null)
        {
            if (max.GetValueKind() != System.Text.Json.JsonValueKind.Number || !max.AsValue().TryGetValue(out long seconds) || seconds is < 1 or > 30L * 24 * 3600)
                return Fail(IotHubError.ArgumentInvalid, "maxExecutionTimeInSeconds must be a whole number from 1 to 2592000.");
            maxExecution = seconds;
        }

        var (rollout, rolloutError) = RolloutRequest.ParseRollout(job["rollout"], type, startTime, now);
        if (rolloutError is not null) return (null, rolloutError);
        var (recurrence, recurrenceError) = RolloutRequest.ParseRecurrence(job["recurrence"], now);
        if (recurrenceError is not null) return (null, recurrenceError);
        if (recurrence is not null && jobId.Length > MaxRecurringJobIdLength)
            return Fail(IotHubError.ArgumentInvalid, $"A recurring job's id is at most {MaxRecurringJobIdLength} characters: its occurrences are named '{{jobId}}-yyyyMMddTHHmmZ' (at most 64).");

        if (type == JobTypes.ScheduleDeviceMethod)
        {
            var (method, methodError) = ParseMethod(job["cloudToDeviceMethod"]);
            if (methodError is not null) return (null, methodError);
            return (new JobCreated(jobId, type, query, now, startTime, maxExecution, method, null, rollout, recurrence), null);
        }

        var (patch, patchError) = ParseTwinPatch(job["updateTwin"]);
        if (patchError is not null) return (null, patchError);
        return (new JobCreated(jobId, type, query, now, startTime, maxExecution, null, patch, rollout, recurrence), null);
    }

    private static (DateTimeOffset, IotHubRefusal?) ParseStartTime(JsonNode? node, DateTimeOffset now)
    {
        if (node is null || node.GetValueKind() == System.Text.Json.JsonValueKind.Null) return (now, null);
        if (StringOrNull(node) is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var start))
            return (start, null);
        return (now, new IotHubRefusal(IotHubError.ArgumentInvalid, "startTime must be an ISO-8601 date and time."));
    }

    /// <summary>
    /// The job's method has the limits of a direct method on one device (docs/iothub-api.md, "Direct methods").
    /// </summary>
    private static (CloudToDeviceMethod?, IotHubRefusal?) ParseMethod(JsonNode? node)
    {
        if (node is not JsonObject) return (null, new IotHubRefusal(IotHubError.ArgumentNull, "cloudToDeviceMethod is required for scheduleDeviceMethod jobs."));
        var (method, error) = DirectMethodRequest.Parse(node);
        return method is null ? (null, error) : (new CloudToDeviceMethod(method.MethodName, method.PayloadJson,
            method.ResponseTimeoutInSeconds, method.ConnectTimeoutInSeconds), null);
    }

    private static (string?, IotHubRefusal?) ParseTwinPatch(JsonNode? node)
    {
        if (node is not JsonObject twin) return (null, new IotHubRefusal(IotHubError.ArgumentNull, "updateTwin is required for scheduleUpdateTwin jobs."));
        if (StringOrNull(twin["etag"]) != "*")
            return (null, new IotHubRefusal(IotHubError.PreconditionFailed, "A twin update job requires etag \"*\" (a forced update)."));
        if (twin["desired"] is not null || twin["reported"] is not null)
            return (null, new IotHubRefusal(IotHubError.ArgumentInvalid, "Desired properties belong under properties.desired, not at the top level of updateTwin."));
        var hasTags = twin["tags"] is JsonObject;
        var hasDesired = twin["properties"]?["desired"] is JsonObject;
        if (!hasTags && !hasDesired)
            return (null, new IotHubRefusal(IotHubError.ArgumentInvalid, "updateTwin must hold tags or properties.desired."));
        // Refused now rather than failing on every device later: the patch obeys the twin rules of a PATCH
        // (docs/iothub-api.md, "Device twins").
        if ((SectionProblem(twin["tags"] as JsonObject, "tags", TwinLimits.MaxTagsBytes)
             ?? SectionProblem(twin["properties"]?["desired"] as JsonObject, "properties.desired", TwinLimits.MaxDesiredBytes)) is { } problem)
            return (null, new IotHubRefusal(IotHubError.ArgumentInvalid, $"updateTwin is invalid: {problem}"));
        return (twin.ToJsonString(), null);
    }

    private static string? SectionProblem(JsonObject? section, string path, int maxBytes) => section is null ? null
        : TwinRules.Validate(section, path)
          ?? (SectionSize.Of(section) is var size && size > maxBytes ? $"'{path}' is {size} bytes; the limit is {maxBytes}." : null);

    private static string? StringOrNull(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;

    private static (JobCreated?, IotHubRefusal?) Fail(IotHubError error, string message) => (null, new IotHubRefusal(error, message));
}
