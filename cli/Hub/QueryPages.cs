using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Hub;

/// <summary>
/// Reads a paged answer to the end or to <c>top</c> items (docs/iothub-api.md, "Query paging"): the page size goes in
/// <c>x-ms-max-item-count</c>, and <c>x-ms-continuation</c> comes back only while another page exists.
/// </summary>
public static class QueryPages
{
    public const int MaxPageSize = 1000;

    /// <summary>Every row of <c>POST /devices/query</c>.</summary>
    public static IAsyncEnumerable<JsonNode> DeviceQueryAsync(HubClient hub, string query, int? top, CancellationToken ct, int pageSize = MaxPageSize) =>
        ReadAsync((headers, c) => hub.SendAsync(HttpMethod.Post, "/devices/query", new JsonObject { ["query"] = query }, c, headers), top, ct, pageSize);

    /// <summary>Every job of <c>GET /jobs/v2/query</c> with the given filters.</summary>
    public static IAsyncEnumerable<JsonNode> JobsAsync(HubClient hub, string? jobType, string? jobStatus, int? top, CancellationToken ct)
    {
        var filters = new List<string>();
        if (jobType is not null) filters.Add("jobType=" + Uri.EscapeDataString(jobType));
        if (jobStatus is not null) filters.Add("jobStatus=" + Uri.EscapeDataString(jobStatus));
        var path = "/jobs/v2/query" + (filters.Count > 0 ? "?" + string.Join('&', filters) : "");
        return ReadAsync((headers, c) => hub.GetAsync(path, c, headers), top, ct);
    }

    public static async IAsyncEnumerable<JsonNode> ReadAsync(
        Func<IReadOnlyDictionary<string, string>, CancellationToken, Task<HubAnswer>> page, int? top,
        [EnumeratorCancellation] CancellationToken ct, int pageSize = MaxPageSize)
    {
        var count = 0;
        string? continuation = null;
        do
        {
            var headers = new Dictionary<string, string>
            {
                ["x-ms-max-item-count"] = Math.Min(pageSize, top is { } t ? t - count : pageSize).ToString(),
            };
            if (continuation is not null) headers["x-ms-continuation"] = continuation;
            var answer = await page(headers, ct);
            foreach (var item in answer.Body as JsonArray ?? [])
            {
                if (item is null) continue;
                yield return item.DeepClone(); // detached from the page, so callers may put it in arrays of their own
                if (++count == top) yield break;
            }
            continuation = answer.Header("x-ms-continuation") is { Length: > 0 } next ? next : null;
        } while (continuation is not null);
    }
}
