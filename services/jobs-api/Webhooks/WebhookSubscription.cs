using JobsApi.Events;

namespace JobsApi.Webhooks;

/// <summary>A webhook subscription as stored (webhooks.subscriptions), with its place in the log and its delivery state.</summary>
public sealed record WebhookSubscription(
    string Name,
    string Url,
    IReadOnlyList<string> EventTypes,
    string? JobIdPrefix,
    string Secret,
    long Version,
    DateTimeOffset CreatedUtc,
    DateTimeOffset UpdatedUtc,
    EventPosition Cursor,
    int Attempts,
    DateTimeOffset? FirstAttemptUtc,
    DateTimeOffset? FailingSince,
    DateTimeOffset? NextAttemptUtc,
    DateTimeOffset? LastAttemptUtc,
    int? LastStatusCode,
    string? LastReason)
{
    public EventSelection Selection => new(EventTypes, JobIdPrefix: JobIdPrefix);
}
