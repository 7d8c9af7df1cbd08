using System.Text.Json.Nodes;
using IotHubJobs.IotHubErrors;
using JobsApi.Http;

namespace JobsApi.Webhooks;

/// <summary>
/// <c>GET /webhooks/{name}/deliveries[?status=failed|delivered]</c>: the last 100 finished deliveries, newest first —
/// where a batch given up after the retry period is found, with the ids of its first and last event.
/// </summary>
public static class ListWebhookDeliveries
{
    private const int Limit = 100;

    public static async Task<IResult> Handle(string name, HttpRequest request, WebhookStore store, CancellationToken ct)
    {
        var status = request.Query["status"].FirstOrDefault();
        if (status is not (null or WebhookDelivery.Delivered or WebhookDelivery.Failed))
            return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, "status must be delivered or failed.");
        if (!await store.ExistsAsync(name, ct)) return GetWebhook.NotFound(name);
        var deliveries = await store.DeliveriesAsync(name, status, Limit, ct);
        return IotHubJson.Ok(new JsonArray(deliveries.Select(d => (JsonNode)WebhookJson.Delivery(d)).ToArray()));
    }
}
