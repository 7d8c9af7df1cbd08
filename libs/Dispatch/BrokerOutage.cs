namespace IotHubJobs.Dispatch;

/// <summary>
/// For a message that exists only in this process and must outlive a broker restart (a device's answer, a claimed
/// device's outcome): a failed send is tried again every second until a deadline, after which nobody needs it. An
/// attempt is abandoned at the deadline even when the client library ignores its cancellation (after a connection the
/// broker closed, a publish was seen waiting on a dead channel for over a minute); an abandoned attempt that completes
/// later only sends a duplicate, which every consumer here ignores.
/// </summary>
public static class BrokerOutage
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <exception cref="TimeoutException">The deadline passed before a send succeeded.</exception>
    public static async Task RetryUntilAsync(DateTimeOffset deadline, TimeProvider clock, Func<CancellationToken, Task> send,
        Action<Exception, int>? failed = null, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var timer = new CancellationTokenSource(Remaining(deadline, clock), clock);
            using var untilDeadline = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
            try
            {
                await send(untilDeadline.Token).WaitAsync(Remaining(deadline, clock), clock, ct);
                return;
            }
            catch (Exception e) when (!ct.IsCancellationRequested && Remaining(deadline, clock) > RetryInterval)
            {
                failed?.Invoke(e, attempt);
                await Task.Delay(RetryInterval, clock, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"Not sent before {deadline:O}", e);
            }
        }
    }

    public static TimeSpan Remaining(DateTimeOffset deadline, TimeProvider clock) =>
        deadline - clock.GetUtcNow() is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
}
