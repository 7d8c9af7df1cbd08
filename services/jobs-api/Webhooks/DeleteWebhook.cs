namespace JobsApi.Webhooks;

/// <summary><c>DELETE /webhooks/{name}</c>: ends the subscription; its delivery loop stops at its next step.</summary>
public static class DeleteWebhook
{
    public static async Task<IResult> Handle(string name, WebhookStore store, CancellationToken ct) =>
        await store.DeleteAsync(name, ct) ? Results.NoContent() : GetWebhook.NotFound(name);
}
