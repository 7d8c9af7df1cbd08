using IotHubJobs.IotHubErrors;
using JobsApi.Http;

namespace JobsApi.Webhooks;

/// <summary><c>GET /webhooks/{name}</c>: the subscription and its delivery state.</summary>
public static class GetWebhook
{
    public static async Task<IResult> Handle(string name, WebhookStore store, CancellationToken ct) =>
        await store.FindAsync(name, ct) is { } subscription ? IotHubJson.Ok(WebhookJson.Subscription(subscription)) : NotFound(name);

    public static IResult NotFound(string name) =>
        IotHubErrorResponse.Result(IotHubError.WebhookNotFound, $"Webhook '{ClientText.Shorten(name, 80, marker: "")}' was not found.");
}
