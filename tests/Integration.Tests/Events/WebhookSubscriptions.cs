using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Events;

/// <summary>Subscribes a receiver's path through the public API (docs/events.md, "Webhooks") and reads its state back.</summary>
public static class WebhookSubscriptions
{
    public static async Task PutAsync(HubClient hub, WebhookReceiver receiver, string name, string secret, string[] eventTypes, string? jobIdPrefix = null) =>
        (await hub.PutAsync($"/webhooks/{name}", new JsonObject
        {
            ["url"] = receiver.Subscriber(name, secret),
            ["eventTypes"] = new JsonArray(eventTypes.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["jobIdPrefix"] = jobIdPrefix,
            ["secret"] = secret,
        })).EnsureStatus(HttpStatusCode.OK);

    /// <summary>The <c>delivery</c> object of <c>GET /webhooks/{name}</c>.</summary>
    public static async Task<JsonNode> DeliveryStateAsync(HubClient hub, string name) =>
        (await hub.GetAsync($"/webhooks/{name}")).EnsureStatus(HttpStatusCode.OK).Json["delivery"]!;

    /// <summary><c>GET /webhooks/{name}/deliveries</c>, optionally only those with <paramref name="status"/>.</summary>
    public static async Task<JsonArray> DeliveriesAsync(HubClient hub, string name, string? status = null) =>
        (await hub.GetAsync($"/webhooks/{name}/deliveries" + (status is null ? "" : $"?status={status}"))).EnsureStatus(HttpStatusCode.OK).Json.AsArray();

    public static async Task DeleteAsync(HubClient hub, string name) =>
        (await hub.SendAsync(HttpMethod.Delete, $"/webhooks/{name}")).EnsureStatus(HttpStatusCode.NoContent);
}
