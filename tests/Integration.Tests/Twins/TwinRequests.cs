using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Twins;

/// <summary>Twin calls through the gateway, the way the SDKs make them (If-Match quoted unless a test says otherwise).</summary>
public static class TwinRequests
{
    public static async Task<string> CreateDeviceAsync(HubClient hub, string prefix)
    {
        var deviceId = $"{prefix}-{Guid.NewGuid():N}"[..24];
        (await hub.PutAsync($"/devices/{deviceId}", new JsonObject { ["deviceId"] = deviceId })).EnsureStatus(HttpStatusCode.OK);
        return deviceId;
    }

    public static async Task<JsonObject> GetAsync(HubClient hub, string deviceId) =>
        (await hub.GetAsync($"/twins/{deviceId}")).EnsureStatus(HttpStatusCode.OK).Json.AsObject();

    public static Task<HubResponse> PatchAsync(HubClient hub, string deviceId, JsonNode body, string? ifMatch) =>
        SendAsync(hub, HttpMethod.Patch, deviceId, body, ifMatch);

    public static Task<HubResponse> PutAsync(HubClient hub, string deviceId, JsonNode body, string? ifMatch) =>
        SendAsync(hub, HttpMethod.Put, deviceId, body, ifMatch);

    public static string Quoted(string etag) => $"\"{etag}\"";

    private static Task<HubResponse> SendAsync(HubClient hub, HttpMethod method, string deviceId, JsonNode body, string? ifMatch) =>
        hub.SendAsync(method, $"/twins/{deviceId}", body, request =>
        {
            if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        });

    /// <summary>Polls a twin until <paramref name="condition"/> holds; returns it, or fails with the last twin seen.</summary>
    public static async Task<JsonObject> WaitForAsync(HubClient hub, string deviceId, Func<JsonObject, bool> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        JsonObject twin;
        do
        {
            twin = await GetAsync(hub, deviceId);
            if (condition(twin)) return twin;
            await Task.Delay(200);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"Twin {deviceId} never reached the expected state: {twin.ToJsonString()}");
    }
}
