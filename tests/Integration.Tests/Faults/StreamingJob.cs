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
        return jobId;
    }
}
