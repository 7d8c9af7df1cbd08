using JasperFx.Events.Projections;
using Marten;

namespace JobsApi.Events;

/// <summary>
/// How far the job event log may be read: Marten's high-water mark, the sequence up to which every event is committed
/// (a later sequence can commit before an earlier one; the async daemon of jobs-api waits for such gaps before it moves
/// the mark, the same guarantee the relay has — docs/architecture.md, decision 1). One poll per process, however many
/// streams and webhook loops wait on it.
/// </summary>
public sealed class EventLogTail(IDocumentStore store, TimeProvider clock, IConfiguration configuration, ILogger<EventLogTail> logger)
    : BackgroundService
{
    private static readonly ShardName HighWaterMarkShard = new("HighWaterMark");
    private readonly TimeSpan _interval = TimeSpan.FromMilliseconds(configuration.GetValue("Events:PollMilliseconds", 100));
    private long _mark;
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long HighWaterMark => Interlocked.Read(ref _mark);

    /// <summary>Reads the mark now (a reader starting "from the end of the log" must not start from a stale one).</summary>
    public async Task<long> RefreshAsync(CancellationToken ct)
    {
        var mark = await store.Advanced.ProjectionProgressFor(HighWaterMarkShard, token: ct);
        if (mark > Interlocked.Read(ref _mark))
        {
            Interlocked.Exchange(ref _mark, mark);
            Interlocked.Exchange(ref _advanced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
        return HighWaterMark;
    }

    /// <summary>Completes when the mark passes <paramref name="sequence"/>, or after <paramref name="atMost"/>.</summary>
    public async Task WaitBeyondAsync(long sequence, TimeSpan atMost, TimeProvider waitClock, CancellationToken ct)
    {
        if (HighWaterMark > sequence || atMost <= TimeSpan.Zero) return;
        var advanced = Volatile.Read(ref _advanced).Task;
        if (HighWaterMark > sequence) return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var delay = Task.Delay(atMost, waitClock, timeout.Token);
        await Task.WhenAny(advanced, delay);
        await timeout.CancelAsync();
        ct.ThrowIfCancellationRequested();
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogDebug(e, "Reading the event log's high-water mark failed; trying again");
            }
            try
            {
                await Task.Delay(_interval, clock, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
