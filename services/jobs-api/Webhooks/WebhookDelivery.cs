namespace JobsApi.Webhooks;

/// <summary>A finished delivery of a batch (webhooks.deliveries): delivered, or given up after the retry period.</summary>
public sealed record WebhookDelivery(
    string FirstEventId,
    string LastEventId,
    int EventCount,
    string Status,
    int Attempts,
    int? StatusCode,
    string? Reason,
    DateTimeOffset FirstAttemptUtc,
    DateTimeOffset LastAttemptUtc)
{
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}
