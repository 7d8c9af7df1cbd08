namespace JobsApi.Webhooks;

/// <summary>A delivery's host resolved to an address it may not reach (DNS rebinding, or a URL that became internal).</summary>
public sealed class WebhookAddressRefusedException(string host) : Exception($"Webhook host '{host}' resolves to an address that is not allowed");
