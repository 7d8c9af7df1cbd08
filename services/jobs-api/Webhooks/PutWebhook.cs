using System.Security.Cryptography;
using IotHubJobs.IotHubErrors;
using JobsApi.Events;
using JobsApi.Http;

namespace JobsApi.Webhooks;

/// <summary>
/// <c>PUT /webhooks/{name}</c>: subscribes a URL to job events, or replaces the subscription (keeping its place in the
/// log and, when none is sent, its secret). A URL the safety rules refuse is a 400 and is never contacted. A secret the
/// hub makes is returned in this answer only (docs/events.md, "Webhooks").
/// </summary>
public static class PutWebhook
{
    public static async Task<IResult> Handle(string name, HttpRequest request, WebhookStore store, WebhookUrlPolicy policy,
        EventLogTail tail, WebhookDispatcher dispatcher, TimeProvider clock, CancellationToken ct)
    {
        if (WebhookRequest.CheckName(name) is { } badName) return IotHubErrorResponse.Result(badName);
        var (body, invalidBody) = await RequestBody.ReadAsync(request, ct);
        if (invalidBody is not null) return IotHubErrorResponse.Result(invalidBody);
        var (definition, refusal) = WebhookRequest.Read(body);
        if (refusal is not null) return IotHubErrorResponse.Result(refusal);
        if (await policy.RefusalAsync(definition!.Url, ct) is { } unsafeUrl)
            return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, unsafeUrl);

        var made = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        // A new subscription starts with what is recorded from now on.
        var startAt = await tail.RefreshAsync(ct);
        var (subscription, created) = await store.UpsertAsync(name, definition, made, startAt, clock.GetUtcNow(), ct);
        dispatcher.Wake();
        var answer = WebhookJson.Subscription(subscription);
        if (created && definition.Secret is null) answer["secret"] = made;
        return IotHubJson.Ok(answer);
    }
}
