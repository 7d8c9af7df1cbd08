namespace JobsApi.Webhooks;

/// <summary>
/// How long to wait before the next attempt after <c>attempts</c> failed ones: the step doubles from the first backoff
/// up to the maximum, and the wait is drawn between half and all of it, so receivers that fail together are not
/// retried together.
/// </summary>
public static class DeliveryBackoff
{
    public static TimeSpan Delay(int attempts, WebhookOptions options, Random random)
    {
        var step = Math.Min(options.FirstBackoffSeconds * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30)), options.MaxBackoffSeconds);
        return TimeSpan.FromSeconds(step / 2 + random.NextDouble() * step / 2);
    }
}
