using JobsApi.Events;

namespace JobsApi.Webhooks;

/// <summary>
/// Delivers one subscription's events, one batch at a time, in log order, from its own cursor (docs/events.md,
/// "Delivery"). It holds the subscription's lease while it runs, so only one jobs-api instance delivers it; it moves the
/// cursor only after a batch was delivered or given up, so a crash sends the batch again (at least once, same ids). It
/// reads the log and nothing else: jobs never wait for it, and a slow receiver delays only this loop.
/// </summary>
public sealed class WebhookDeliveryLoop(string name, string owner, WebhookStore store, JobEventSources sources, WebhookSender sender,
    WebhookOptions options, TimeProvider clock, Random random, ILogger logger)
{
    private static readonly TimeSpan CursorWriteInterval = TimeSpan.FromSeconds(5);

    /// <summary>Runs until the subscription is deleted or <paramref name="ct"/> ends.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        JobEventFeed? feed = null;
        long version = -1;
        var cursorWrittenAt = DateTimeOffset.MinValue;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var now = clock.GetUtcNow();
                var subscription = await store.ClaimAsync(name, owner, now, now + options.Lease, ct);
                if (subscription is null)
                {
                    if (!await store.ExistsAsync(name, ct)) return;
                    await Task.Delay(options.Lease / 3, clock, ct); // another instance delivers it; take over if its lease runs out
                    continue;
                }
                if (feed is null || subscription.Version != version)
                {
                    feed = sources.Feed(subscription.Selection, subscription.Cursor);
                    version = subscription.Version;
                }
                if (subscription.NextAttemptUtc is { } next && next > now)
                {
                    // Measured from the clock as it is after the claim's round trip, not from `now`: a clock that moved
                    // meanwhile (a test's, or a slow claim) must not leave the wait starting from an earlier time.
                    var untilNext = next - clock.GetUtcNow();
                    if (untilNext > TimeSpan.Zero) await Task.Delay(Min(untilNext, options.Lease / 3), clock, ct);
                    continue;
                }

                var batch = await feed.NextAsync(options.MaxBatchEvents, options.MaxBatchBytes, ct);
                if (batch.Count == 0)
                {
                    if (feed.Position > subscription.Cursor && now - cursorWrittenAt >= CursorWriteInterval)
                    {
                        await store.AdvanceCursorAsync(name, owner, feed.Position, ct);
                        cursorWrittenAt = now;
                    }
                    var wait = options.Lease / 3;
                    if (feed.NextSnapshotDue is { } due) wait = Min(wait, due - now);
                    await sources.Tail.WaitBeyondAsync(feed.ScannedThrough, wait, clock, ct);
                    continue;
                }

                if (!await DeliverAsync(subscription, batch, feed.Position, ct)) feed = null; // read the batch again from the cursor
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            await ReleaseQuietlyAsync();
        }
    }

    /// <returns>False when the batch must be sent again.</returns>
    private async Task<bool> DeliverAsync(WebhookSubscription subscription, IReadOnlyList<HubEvent> batch, EventPosition after, CancellationToken ct)
    {
        var attemptedAt = clock.GetUtcNow();
        var result = await sender.SendAsync(subscription, batch, ct);
        var now = clock.GetUtcNow();
        var attempts = subscription.Attempts + 1;
        var firstAttempt = subscription.FirstAttemptUtc ?? attemptedAt;
        var failingSince = subscription.FailingSince ?? attemptedAt;
        var delivery = new WebhookDelivery(batch[0].Id.ToString(), batch[^1].Id.ToString(), batch.Count,
            result.Delivered ? WebhookDelivery.Delivered : WebhookDelivery.Failed, attempts, result.StatusCode, result.Reason, firstAttempt, now);
        if (result.Delivered)
        {
            await store.RecordFinishedAsync(name, owner, after, delivery, ct);
            WebhookMetrics.Delivered(batch.Count);
            return true;
        }
        if (now - failingSince >= options.GiveUpAfter)
        {
            await store.RecordFinishedAsync(name, owner, after, delivery, ct);
            WebhookMetrics.GivenUp(batch.Count);
            logger.LogWarning("Webhook {Webhook} gave up events {First}..{Last} after {Attempts} attempts ({Reason}); failing since {Since:O}",
                name, delivery.FirstEventId, delivery.LastEventId, attempts, result.Reason, failingSince);
            return true;
        }
        var nextAttempt = now + DeliveryBackoff.Delay(attempts, options, random);
        await store.RecordFailedAttemptAsync(name, owner, attempts, firstAttempt, failingSince, now, nextAttempt, result.StatusCode, result.Reason!, ct);
        WebhookMetrics.Failed();
        logger.LogInformation("Webhook {Webhook} attempt {Attempts} for events from {First} failed ({Reason}); next at {Next:O}",
            name, attempts, delivery.FirstEventId, result.Reason, nextAttempt);
        return false;
    }

    private async Task ReleaseQuietlyAsync()
    {
        try
        {
            using var shortly = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await store.ReleaseAsync(name, owner, shortly.Token);
        }
        catch (Exception e)
        {
            logger.LogDebug(e, "Releasing webhook {Webhook} failed; its lease runs out by itself", name);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
