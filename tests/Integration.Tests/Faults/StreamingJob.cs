using System.Net;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Faults;

/// <summary>
/// A 2,000-device method job whose devices answer after 0.8 to 8 s, started and watched until its first 200 results
/// are recorded: a fault injected then lands while results stream in.
/// </summary>
public static class StreamingJob
{
    public const int Devices = 2000;

    public static async Task<string> StartAsync(SystemUnderTest system, string name, string run, int responseTimeoutInSeconds = 30)
    {
        var jobId = $"{name}-{run}";
        await Fleet.CreateStaggeredAsync(system.Hub, jobId, Devices, run, maxLatencyMs: 8000);
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'", responseTimeoutInSeconds: responseTimeoutInSeconds)))
            .EnsureStatus(HttpStatusCode.OK);
        await Ledger.EventuallyAsync(async () => (await Ledger.RowsAsync(system, jobId)).Values.Count(r => r.Status == "completed") >= 200);
        // A fault injected after the last answer would prove nothing: say so instead of passing.
        var unfinished = (await Ledger.RowsAsync(system, jobId)).Values.Count(r => r.Status is "pending" or "running");
        Assert.True(unfinished > 0, "precondition: results still stream in when the fault is injected, but every device had answered");
        return jobId;
    }

    /// <summary>A <see cref="StartHeldAsync"/> job: its id, its two halves, and the barrier that holds the second back.</summary>
    public sealed record Held(string JobId, IReadOnlyList<string> FirstHalf, IReadOnlyList<string> SecondHalf, HeldTransaction SecondHalfBarrier);

    /// <summary>
    /// The same job in two fan-out chunks of 1,000 devices, each half answering after 0.8 to 8 s: the first is started and
    /// watched until 200 of its results are recorded, the second waits at a <see cref="FanOutBarrier"/> until the spec
    /// releases it — after injecting its fault. Devices of the second half are then surely called while the fault is in
    /// effect, however fast or slow the first half went.
    /// </summary>
    public static async Task<Held> StartHeldAsync(SystemUnderTest system, string name, string run, int responseTimeoutInSeconds = 30)
    {
        var jobId = $"{name}-{run}";
        // Device ids sort by prefix: every "-a-" device falls in the first chunk (FanOutChunk.ChunkSize), every "-b-" one in the second.
        var firstHalf = await Fleet.CreateStaggeredAsync(system.Hub, $"{jobId}-a", Devices / 2, run, maxLatencyMs: 8000);
        var secondHalf = await Fleet.CreateStaggeredAsync(system.Hub, $"{jobId}-b", Devices / 2, run, maxLatencyMs: 8000);
        var barrier = await FanOutBarrier.HoldAsync(system.Database, jobId, secondHalf.Min(StringComparer.Ordinal)!);
        try
        {
            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'", responseTimeoutInSeconds: responseTimeoutInSeconds)))
                .EnsureStatus(HttpStatusCode.OK);
            await Ledger.EventuallyAsync(async () => (await Ledger.RowsAsync(system, jobId)).Values.Count(r => r.Status == "completed") >= 200);
            Assert.Equal(firstHalf.Order(StringComparer.Ordinal), (await Ledger.RowsAsync(system, jobId)).Keys.Order(StringComparer.Ordinal));
            return new Held(jobId, firstHalf, secondHalf, barrier);
        }
        catch
        {
            await barrier.DisposeAsync();
            throw;
        }
    }
}
