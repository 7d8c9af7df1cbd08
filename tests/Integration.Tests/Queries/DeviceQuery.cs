using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Queries;

/// <summary><c>POST /devices/query</c> the way the SDKs call it: page size and continuation in headers.</summary>
public static class DeviceQuery
{
    public static Task<HubResponse> PageAsync(HubClient hub, string query, int? pageSize = null, string? continuation = null) =>
        hub.SendAsync(HttpMethod.Post, "/devices/query", new JsonObject { ["query"] = query }, request =>
        {
            if (pageSize is { } size) request.Headers.TryAddWithoutValidation("x-ms-max-item-count", size.ToString(CultureInfo.InvariantCulture));
            if (continuation is not null) request.Headers.TryAddWithoutValidation("x-ms-continuation", continuation);
        });

    /// <summary>Follows x-ms-continuation until a page comes without it, like the SDKs' hasMoreResults.</summary>
    public static async Task<List<HubResponse>> AllPagesAsync(HubClient hub, string query, int? pageSize = null)
    {
        var pages = new List<HubResponse>();
        string? continuation = null;
        do
        {
            var page = (await PageAsync(hub, query, pageSize, continuation)).EnsureStatus(HttpStatusCode.OK);
            pages.Add(page);
            continuation = page.Header("x-ms-continuation");
            Assert.True(pages.Count < 1000, "the continuation never ends");
        } while (continuation is not null);
        return pages;
    }

    public static List<JsonNode> Items(IEnumerable<HubResponse> pages) => pages.SelectMany(p => p.Json.AsArray()).Select(i => i!).ToList();

    /// <summary>Devices with their own tags each (bulk create, like Jobs/Fleet but per-device tags).</summary>
    public static async Task CreateDevicesAsync(HubClient hub, IEnumerable<(string Id, JsonObject Tags)> devices)
    {
        foreach (var chunk in devices.Chunk(100))
        {
            var body = new JsonArray(chunk.Select(d => (JsonNode)new JsonObject
            {
                ["id"] = d.Id, ["importMode"] = "create", ["status"] = "enabled", ["tags"] = d.Tags.DeepClone(),
            }).ToArray());
            (await hub.PostAsync("/devices", body)).EnsureStatus(HttpStatusCode.OK);
        }
    }

    /// <summary>An IoT Hub format-A error: status, iothub-errorcode header and "ErrorCode:Name;message".</summary>
    public static string AssertError(HubResponse response, HttpStatusCode status, string code)
    {
        Assert.True(response.Status == status, $"expected {(int)status} {code} but got {(int)response.Status}: {response.Text}");
        Assert.Equal(code, response.Header("iothub-errorcode"));
        var message = (string)response.Json["Message"]!;
        Assert.StartsWith($"ErrorCode:{code};", message, StringComparison.Ordinal);
        return message;
    }
}
