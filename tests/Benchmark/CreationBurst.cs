using System.Diagnostics;
using System.Net;

namespace Benchmark;

/// <summary>
/// Creates jobs the way a busy SDK user does: a fixed number of PUTs in flight, and a PUT answered 429 waits the
/// Retry-After the gateway named and is sent again (the SDKs' retry policies do the same). Shared by the
/// integration spec (tests/Integration.Tests/Jobs/JobCreationBurstSpecs.cs) and ./bench.sh --creations.
/// </summary>
public static class CreationBurst
{
    public sealed record Answer(HttpStatusCode Status, TimeSpan? RetryAfter, string Text);

    public sealed record Result(int Created, int Throttled, TimeSpan Elapsed, IReadOnlyList<string> Refusals)
    {
        public double CreatedPerSecond => Created / Math.Max(Elapsed.TotalSeconds, 0.001);
    }

    /// <summary>Any answer other than 200 or 429 counts as a refusal and is not retried.</summary>
    public static async Task<Result> RunAsync(IReadOnlyList<string> jobIds, int inFlight, Func<string, Task<Answer>> put)
    {
        var created = 0;
        var throttled = 0;
        var refusals = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(jobIds, new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (jobId, _) =>
        {
            while (true)
            {
                var answer = await put(jobId);
                if (answer.Status == HttpStatusCode.OK) { Interlocked.Increment(ref created); return; }
                if (answer.Status != HttpStatusCode.TooManyRequests) { refusals.Enqueue($"{jobId}: {(int)answer.Status} {answer.Text}"); return; }
                Interlocked.Increment(ref throttled);
                await Task.Delay(answer.RetryAfter ?? TimeSpan.FromSeconds(1));
            }
        });
        return new Result(created, throttled, clock.Elapsed, refusals.ToList());
    }
}
