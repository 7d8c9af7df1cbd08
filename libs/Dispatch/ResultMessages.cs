using IotHubJobs.Contracts.Jobs;

namespace IotHubJobs.Dispatch;

/// <summary>
/// Splits a job's results into <see cref="DeviceJobsCompleted"/> messages and events that stay off the large object heap
/// (docs/benchmarks.md, "A million devices"): an object of 85,000 bytes or more is freed only by a full collection, so
/// a long run of large result bodies grew jobs-api's and device-sim's heaps with the job's size. Each part holds results
/// whose JSON takes at most <see cref="BudgetBytes"/>, counted from their strings; one result larger than that travels
/// alone.
/// </summary>
public static class ResultMessages
{
    public const int BudgetBytes = 48 * 1024;

    /// <summary>Property names, two timestamps, a status and an attempt, as System.Text.Json writes them at their longest.</summary>
    private const int FixedBytesPerResult = 250;

    public static IEnumerable<DeviceJobsCompleted> Of(string jobId, IReadOnlyList<DeviceJobResult> results)
    {
        var part = new List<DeviceJobResult>();
        var bytes = 0;
        foreach (var result in results)
        {
            var size = MostBytes(result);
            if (part.Count > 0 && bytes + size > BudgetBytes)
            {
                yield return new DeviceJobsCompleted(jobId, part);
                part = [];
                bytes = 0;
            }
            part.Add(result);
            bytes += size;
        }
        if (part.Count > 0) yield return new DeviceJobsCompleted(jobId, part);
    }

    /// <summary>The most bytes a result's JSON can take: an upper bound, never an average.</summary>
    public static int MostBytes(DeviceJobResult result) => FixedBytesPerResult + MostBytes(result.DeviceId)
        + MostBytes(result.MethodPayloadJson) + MostBytes(result.ErrorCode) + MostBytes(result.ErrorDescription);

    /// <summary>
    /// System.Text.Json's default encoder writes a quote, a character HTML treats specially, a control character or any
    /// non-ASCII character as a six-byte escape (a payload is JSON inside a string, so it has many quotes).
    /// </summary>
    private static int MostBytes(string? text)
    {
        if (text is null) return 0;
        var bytes = 0;
        foreach (var c in text) bytes += c is >= ' ' and <= '~' and not ('"' or '\\' or '<' or '>' or '&' or '\'' or '+' or '`') ? 1 : 6;
        return bytes;
    }
}
