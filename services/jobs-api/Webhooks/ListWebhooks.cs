using System.Text.Json.Nodes;
using JobsApi.Http;

namespace JobsApi.Webhooks;

/// <summary><c>GET /webhooks</c>: every subscription, by name.</summary>
public static class ListWebhooks
{
    public static async Task<IResult> Handle(WebhookStore store, CancellationToken ct) =>
        IotHubJson.Ok(new JsonArray((await store.ListAsync(ct)).Select(s => (JsonNode)WebhookJson.Subscription(s)).ToArray()));
}
