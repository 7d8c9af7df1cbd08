using JobsApi.Events;
using JobsApi.Jobs;
using Microsoft.Extensions.Options;

namespace JobsApi.Webhooks;

/// <summary>
/// Keeps one <see cref="WebhookDeliveryLoop"/> running per subscription in this jobs-api instance (a loop that finds the
/// subscription leased by another instance waits until that lease runs out), and removes delivery records older than the
/// job history. A subscription created here starts delivering at once (<see cref="Wake"/>); one created elsewhere within
/// a scan interval.
/// </summary>
public sealed class WebhookDispatcher(WebhookStore store, JobEventSources sources, WebhookSender sender, IOptions<WebhookOptions> options,
    JobRetention retention, TimeProvider clock, IConfiguration configuration, ILoggerFactory loggers) : BackgroundService
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromHours(1);
    private readonly Dictionary<string, Task> _loops = new(StringComparer.Ordinal);
    private readonly string _owner = $"{configuration["OTEL_SERVICE_NAME"] ?? "jobs-api"}@{Environment.MachineName}";
    private readonly ILogger _logger = loggers.CreateLogger<WebhookDispatcher>();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Look for new subscriptions now.</summary>
    public void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var swept = DateTimeOffset.MinValue;
        while (!ct.IsCancellationRequested)
        {
            var wake = Volatile.Read(ref _wake).Task;
            try
            {
                StartMissingLoops(await store.NamesAsync(ct), ct);
                if (clock.GetUtcNow() - swept >= SweepInterval)
                {
                    await store.ForgetDeliveriesBeforeAsync(clock.GetUtcNow() - retention.Period, ct);
                    swept = clock.GetUtcNow();
                }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // The database is away, say: an exception out of a BackgroundService would stop the whole service.
                _logger.LogDebug(e, "Looking for webhook subscriptions failed; trying again");
            }
            await Task.WhenAny(wake, Task.Delay(TimeSpan.FromSeconds(options.Value.ScanSeconds), clock, ct));
        }
        await Task.WhenAll(_loops.Values);
    }

    private void StartMissingLoops(IReadOnlyList<string> names, CancellationToken ct)
    {
        foreach (var done in _loops.Where(l => l.Value.IsCompleted).Select(l => l.Key).ToList()) _loops.Remove(done);
        foreach (var name in names.Where(n => !_loops.ContainsKey(n)))
        {
            var loop = new WebhookDeliveryLoop(name, _owner, store, sources, sender, options.Value, clock, Random.Shared,
                loggers.CreateLogger<WebhookDeliveryLoop>());
            _loops[name] = Task.Run(() => RunQuietlyAsync(name, loop, ct), ct);
        }
    }

    /// <summary>A loop that fails (the database went away) ends; the next scan starts it again.</summary>
    private async Task RunQuietlyAsync(string name, WebhookDeliveryLoop loop, CancellationToken ct)
    {
        try
        {
            await loop.RunAsync(ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            _logger.LogWarning(e, "Delivery of webhook {Webhook} stopped; it starts again", name);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), clock, ct);
            }
            catch (OperationCanceledException)
            {
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
