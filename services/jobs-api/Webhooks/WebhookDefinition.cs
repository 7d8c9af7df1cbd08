namespace JobsApi.Webhooks;

/// <summary>What a <c>PUT /webhooks/{name}</c> asks for; a null secret keeps the old one (or makes a new one).</summary>
public sealed record WebhookDefinition(string Url, IReadOnlyList<string> EventTypes, string? JobIdPrefix, string? Secret);
