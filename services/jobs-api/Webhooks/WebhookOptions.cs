namespace JobsApi.Webhooks;

/// <summary>Delivery settings (<c>Webhooks:*</c>); the defaults are the contract of docs/events.md, "Delivery".</summary>
public sealed class WebhookOptions
{
    /// <summary>How long a receiver has to answer one POST.</summary>
    public double TimeoutSeconds { get; set; } = 10;
    /// <summary>A receiver failing without a success this long gets its pending batch given up.</summary>
    public double GiveUpAfterHours { get; set; } = 24;
    public int MaxBatchEvents { get; set; } = 500;
    public int MaxBatchBytes { get; set; } = 1024 * 1024;
    /// <summary>The first retry waits about this long; each one after doubles it, up to <see cref="MaxBackoffSeconds"/>.</summary>
    public double FirstBackoffSeconds { get; set; } = 2;
    public double MaxBackoffSeconds { get; set; } = 900;
    /// <summary>How long a jobs-api instance holds a subscription's delivery before another may take it over.</summary>
    public double LeaseSeconds { get; set; } = 30;
    /// <summary>How often the dispatcher looks for subscriptions without a delivery loop.</summary>
    public double ScanSeconds { get; set; } = 1;

    public TimeSpan Timeout => TimeSpan.FromSeconds(TimeoutSeconds);
    public TimeSpan GiveUpAfter => TimeSpan.FromHours(GiveUpAfterHours);
    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);
}
