using System.Text.Json;
using System.Text.Json.Nodes;
using Cronos;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Contracts.Jobs.Rollouts;
using IotHubJobs.IotHubErrors;

namespace IotHubJobs.Rollouts;

/// <summary>
/// Reads and checks the optional <c>rollout</c> and <c>recurrence</c> of a JobRequest (docs/rollouts.md, "The request"):
/// every field, range and combination, refused with an IoT Hub-style 400 naming the field.
/// </summary>
public static class RolloutRequest
{
    public const int MaxRatePerMinute = 100_000;
    public const int MaxWaves = 20;
    public const int MaxRetries = 10;
    public const int MaxWindows = 10;
    public static readonly string[] FailureTypes = ["failed", "timedOut", "notOnline", "any"];
    public static readonly string[] AbortActions = ["cancel", "pause"];
    public static readonly string[] EndBehaviors = ["stopRollout", "cancel"];

    public static (JobRollout? Rollout, IotHubRefusal? Refusal) ParseRollout(JsonNode? node, string jobType, DateTimeOffset startTime, DateTimeOffset now)
    {
        if (IsAbsent(node)) return (null, null);
        if (node is not JsonObject r) return Fail("rollout must be an object.");
        try
        {
            var maximum = OptionalInt(r, "maximumPerMinute", 1, MaxRatePerMinute);
            var exponential = Exponential(r["exponentialRate"]);
            if (maximum is not null && exponential is not null) throw new RolloutError("rollout: maximumPerMinute and exponentialRate exclude each other.");
            var waves = Waves(r["waves"]);
            var abort = Array(r["abortCriteria"], "rollout.abortCriteria", 10, AbortCriterion);
            var retry = Retry(r["retry"]);
            var ack = Acknowledgement(r["acknowledgement"], jobType);
            var windows = Array(r["maintenanceWindows"], "rollout.maintenanceWindows", MaxWindows, (n, path) => Window(n, path, now));
            var endTime = OptionalTime(r, "endTime");
            if (endTime is not null && endTime <= startTime) throw new RolloutError("rollout.endTime must be after the job's startTime.");
            var endBehavior = OptionalString(r, "endBehavior", EndBehaviors) ?? "stopRollout";
            // Devices are taken in device-id order; the field is accepted so that a request can say so.
            OptionalString(r, "orderBy", ["deviceId"]);
            Unknown(r, "rollout", ["orderBy", "maximumPerMinute", "exponentialRate", "waves", "abortCriteria", "retry", "acknowledgement", "maintenanceWindows", "endTime", "endBehavior"]);
            return (new JobRollout(maximum, exponential, waves, abort, retry, ack, windows, endTime, endBehavior), null);
        }
        catch (RolloutError e)
        {
            return Fail(e.Message);
        }
    }

    public static (JobRecurrence? Recurrence, IotHubRefusal? Refusal) ParseRecurrence(JsonNode? node, DateTimeOffset now)
    {
        if (IsAbsent(node)) return (null, null);
        if (node is not JsonObject r) return (null, new IotHubRefusal(IotHubError.ArgumentInvalid, "recurrence must be an object."));
        try
        {
            var (cron, zone) = CronAndZone(r, "recurrence", now);
            Unknown(r, "recurrence", ["cron", "timeZone"]);
            return (new JobRecurrence(cron, zone), null);
        }
        catch (RolloutError e)
        {
            return (null, new IotHubRefusal(IotHubError.ArgumentInvalid, e.Message));
        }
    }

    private static ExponentialRolloutRate? Exponential(JsonNode? node)
    {
        if (IsAbsent(node)) return null;
        if (node is not JsonObject e) throw new RolloutError("rollout.exponentialRate must be an object.");
        var rate = RequiredInt(e, "baseRatePerMinute", 1, MaxRatePerMinute, "rollout.exponentialRate");
        var factor = RequiredDouble(e, "incrementFactor", 1.1, 5, "rollout.exponentialRate");
        if (e["rateIncreaseCriteria"] is not JsonObject criteria)
            throw new RolloutError("rollout.exponentialRate.rateIncreaseCriteria is required: numberOfNotifiedDevices and/or numberOfSucceededDevices.");
        var notified = OptionalInt(criteria, "numberOfNotifiedDevices", 1, 1_000_000, "rollout.exponentialRate.rateIncreaseCriteria") ?? 0;
        var succeeded = OptionalInt(criteria, "numberOfSucceededDevices", 1, 1_000_000, "rollout.exponentialRate.rateIncreaseCriteria") ?? 0;
        if (notified == 0 && succeeded == 0)
            throw new RolloutError("rollout.exponentialRate.rateIncreaseCriteria needs numberOfNotifiedDevices or numberOfSucceededDevices.");
        Unknown(criteria, "rollout.exponentialRate.rateIncreaseCriteria", ["numberOfNotifiedDevices", "numberOfSucceededDevices"]);
        Unknown(e, "rollout.exponentialRate", ["baseRatePerMinute", "incrementFactor", "rateIncreaseCriteria"]);
        return new ExponentialRolloutRate(rate, factor, notified, succeeded);
    }

    /// <summary>
    /// Waves are cumulative, and each may use either kind: a few canary devices by <c>count</c>, then shares of the fleet by
    /// <c>percentage</c>. Waves of the same kind must grow; across kinds the plan never goes back (RolloutPlan.WaveEnd), so a
    /// count that a percentage before already covers makes an empty wave, not an error that depends on the fleet's size.
    /// </summary>
    private static IReadOnlyList<RolloutWave> Waves(JsonNode? node)
    {
        var waves = Array(node, "rollout.waves", MaxWaves, Wave);
        double? lastPercentage = null;
        int? lastCount = null;
        for (var i = 0; i < waves.Count; i++)
        {
            var wave = waves[i];
            if (wave.Percentage is { } p)
            {
                if (lastPercentage is { } before && p <= before) throw new RolloutError($"rollout.waves[{i}].percentage must be above the wave before (they are cumulative).");
                lastPercentage = p;
            }
            else
            {
                if (lastCount is { } before && wave.Count <= before) throw new RolloutError($"rollout.waves[{i}].count must be above the wave before (they are cumulative).");
                lastCount = wave.Count;
            }
        }
        return waves;
    }

    private static RolloutWave Wave(JsonNode node, string path)
    {
        if (node is not JsonObject w) throw new RolloutError($"{path} must be an object.");
        var percentage = OptionalDouble(w, "percentage", 0, 100, path);
        var count = OptionalInt(w, "count", 1, 10_000_000, path);
        if ((percentage is null) == (count is null)) throw new RolloutError($"{path} needs exactly one of percentage and count.");
        if (percentage == 0) throw new RolloutError($"{path}.percentage must be above 0.");
        var bake = OptionalInt(w, "bakeTimeInSeconds", 0, 30 * 24 * 3600, path) ?? 0;
        var minSuccess = OptionalDouble(w, "minSuccessPercentage", 0, 100, path);
        var approval = OptionalBool(w, "requiresApproval", path) ?? false;
        Unknown(w, path, ["percentage", "count", "bakeTimeInSeconds", "minSuccessPercentage", "requiresApproval"]);
        return new RolloutWave(percentage, count, bake, minSuccess, approval);
    }

    private static RolloutAbortCriterion AbortCriterion(JsonNode node, string path)
    {
        if (node is not JsonObject a) throw new RolloutError($"{path} must be an object.");
        var type = RequiredString(a, "failureType", FailureTypes, path);
        var action = RequiredString(a, "action", AbortActions, path);
        var threshold = RequiredDouble(a, "thresholdPercentage", 0, 100, path);
        var min = OptionalInt(a, "minNumberOfExecutedDevices", 1, 10_000_000, path) ?? 1;
        Unknown(a, path, ["failureType", "action", "thresholdPercentage", "minNumberOfExecutedDevices"]);
        return new RolloutAbortCriterion(type, action, threshold, min);
    }

    private static RolloutRetry? Retry(JsonNode? node)
    {
        if (IsAbsent(node)) return null;
        if (node is not JsonObject r) throw new RolloutError("rollout.retry must be an object.");
        var criteria = Array(r["criteria"], "rollout.retry.criteria", FailureTypes.Length, (n, path) =>
        {
            if (n is not JsonObject c) throw new RolloutError($"{path} must be an object.");
            var type = RequiredString(c, "failureType", FailureTypes, path);
            var retries = RequiredInt(c, "numberOfRetries", 1, MaxRetries, path);
            Unknown(c, path, ["failureType", "numberOfRetries"]);
            return new RolloutRetryCriterion(type, retries);
        });
        if (criteria.Count == 0) throw new RolloutError("rollout.retry.criteria needs at least one failureType to retry.");
        if (criteria.Select(c => c.FailureType).Distinct().Count() < criteria.Count) throw new RolloutError("rollout.retry.criteria names a failureType twice.");
        var initial = OptionalInt(r, "initialBackoffInSeconds", 1, 3600, "rollout.retry") ?? 10;
        var maximum = OptionalInt(r, "maximumBackoffInSeconds", 1, 86_400, "rollout.retry") ?? 600;
        if (maximum < initial) throw new RolloutError("rollout.retry.maximumBackoffInSeconds must not be below initialBackoffInSeconds.");
        Unknown(r, "rollout.retry", ["criteria", "initialBackoffInSeconds", "maximumBackoffInSeconds"]);
        return new RolloutRetry(criteria, initial, maximum);
    }

    private static RolloutAcknowledgement? Acknowledgement(JsonNode? node, string jobType)
    {
        if (IsAbsent(node)) return null;
        if (jobType != JobTypes.ScheduleUpdateTwin) throw new RolloutError("rollout.acknowledgement applies to scheduleUpdateTwin jobs only.");
        if (node is not JsonObject a) throw new RolloutError("rollout.acknowledgement must be an object.");
        var timeout = RequiredInt(a, "timeoutInSeconds", 1, 30 * 24 * 3600, "rollout.acknowledgement");
        Unknown(a, "rollout.acknowledgement", ["timeoutInSeconds"]);
        return new RolloutAcknowledgement(timeout);
    }

    private static MaintenanceWindow Window(JsonNode node, string path, DateTimeOffset now)
    {
        if (node is not JsonObject w) throw new RolloutError($"{path} must be an object.");
        var (cron, zone) = CronAndZone(w, path, now);
        var minutes = RequiredInt(w, "durationInMinutes", 1, 24 * 60, path);
        Unknown(w, path, ["cron", "timeZone", "durationInMinutes"]);
        return new MaintenanceWindow(cron, zone, minutes);
    }

    /// <summary>A standard five-field cron that fires at least once in the next five years, in a known time zone (UTC by default).</summary>
    private static (string Cron, string Zone) CronAndZone(JsonObject o, string path, DateTimeOffset now)
    {
        var text = RequiredString(o, "cron", null, path);
        CronExpression cron;
        try
        {
            cron = CronExpression.Parse(text);
        }
        catch (CronFormatException e)
        {
            throw new RolloutError($"{path}.cron is not a cron expression: {e.Message}");
        }
        var zoneName = OptionalString(o, "timeZone", null) ?? "UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneName, out var zone)) throw new RolloutError($"{path}.timeZone '{ClientText.Shorten(zoneName, 64)}' is not a known time zone.");
        var next = cron.GetNextOccurrence(now.UtcDateTime, zone);
        if (next is null || next > now.UtcDateTime.AddYears(5)) throw new RolloutError($"{path}.cron never fires.");
        return (text, zoneName);
    }

    private static IReadOnlyList<T> Array<T>(JsonNode? node, string path, int max, Func<JsonNode, string, T> item)
    {
        if (IsAbsent(node)) return [];
        if (node is not JsonArray array) throw new RolloutError($"{path} must be an array.");
        if (array.Count > max) throw new RolloutError($"{path} has {array.Count} entries; at most {max} are allowed.");
        return array.Select((n, i) => item(n ?? throw new RolloutError($"{path}[{i}] must not be null."), $"{path}[{i}]")).ToList();
    }

    private static int? OptionalInt(JsonObject o, string name, int min, int max, string path = "rollout")
    {
        var node = o[name];
        if (IsAbsent(node)) return null;
        if (node!.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue(out int value) || value < min || value > max)
            throw new RolloutError($"{path}.{name} must be a whole number from {min} to {max}.");
        return value;
    }

    private static int RequiredInt(JsonObject o, string name, int min, int max, string path) =>
        OptionalInt(o, name, min, max, path) ?? throw new RolloutError($"{path}.{name} is required.");

    private static double? OptionalDouble(JsonObject o, string name, double min, double max, string path)
    {
        var node = o[name];
        if (IsAbsent(node)) return null;
        if (node!.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue(out double value) || double.IsNaN(value) || value < min || value > max)
            throw new RolloutError($"{path}.{name} must be a number from {min} to {max}.");
        return value;
    }

    private static double RequiredDouble(JsonObject o, string name, double min, double max, string path) =>
        OptionalDouble(o, name, min, max, path) ?? throw new RolloutError($"{path}.{name} is required.");

    private static bool? OptionalBool(JsonObject o, string name, string path)
    {
        var node = o[name];
        if (IsAbsent(node)) return null;
        return node!.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new RolloutError($"{path}.{name} must be true or false."),
        };
    }

    private static string? OptionalString(JsonObject o, string name, string[]? allowed, string path = "rollout")
    {
        var node = o[name];
        if (IsAbsent(node)) return null;
        if (node!.GetValueKind() != JsonValueKind.String) throw new RolloutError($"{path}.{name} must be a string.");
        var value = node.GetValue<string>();
        if (allowed is not null && !allowed.Contains(value, StringComparer.Ordinal))
            throw new RolloutError($"{path}.{name} must be one of {string.Join(", ", allowed)}.");
        return value;
    }

    private static string RequiredString(JsonObject o, string name, string[]? allowed, string path) =>
        OptionalString(o, name, allowed, path) ?? throw new RolloutError($"{path}.{name} is required.");

    private static DateTimeOffset? OptionalTime(JsonObject o, string name)
    {
        var text = OptionalString(o, name, null);
        if (text is null) return null;
        if (!DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var time))
            throw new RolloutError($"rollout.{name} must be an ISO-8601 date and time.");
        return time;
    }

    /// <summary>A misspelt field would silently change nothing: refused instead.</summary>
    private static void Unknown(JsonObject o, string path, string[] known)
    {
        if (o.Select(p => p.Key).FirstOrDefault(k => !known.Contains(k, StringComparer.Ordinal)) is { } unknown)
            throw new RolloutError($"{path}.{ClientText.Shorten(unknown, 64)} is not a field of {path}.");
    }

    private static bool IsAbsent(JsonNode? node) => node is null || node.GetValueKind() == JsonValueKind.Null;

    private static (JobRollout?, IotHubRefusal?) Fail(string message) => (null, new IotHubRefusal(IotHubError.ArgumentInvalid, message));

    private sealed class RolloutError(string message) : Exception(message);
}
