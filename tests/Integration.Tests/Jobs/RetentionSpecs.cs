using IotHubJobs.Contracts.Jobs;
using Integration.Tests.Infrastructure;
using JobsApi.Jobs;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Integration.Tests.Jobs;

/// <summary>
/// The retention sweeper of jobs-api, run in-process against the real database with a fake clock: time moves,
/// nobody sleeps. The job ends far in the past so no other test's job is old enough to be swept with it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RetentionSpecs(SystemUnderTest system)
{
    [Fact]
    public async Task Job_history_stays_queryable_for_the_retention_period_then_its_stream_document_and_device_records_are_removed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-400));
        using var store = DocumentStore.For(o => { o.Connection(system.DatabaseConnectionString); JobStore.Configure(o); });
        var jobId = $"old-{Guid.NewGuid():N}"[..24];
        await RecordFinishedJobAsync(store, jobId, clock.GetUtcNow());
        var retention = new JobRetention(store, clock,
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Jobs:RetentionDays"] = "30" }).Build(),
            NullLogger<JobRetention>.Instance);

        clock.Advance(TimeSpan.FromDays(29));
        await retention.SweepAsync(CancellationToken.None);
        var job = await LoadAsync(store, jobId);
        Assert.NotNull(job);
        Assert.False(retention.IsExpired(job));
        Assert.Single(await Ledger.RowsAsync(system, jobId));

        clock.Advance(TimeSpan.FromDays(2));
        Assert.True(retention.IsExpired(job));
        Assert.True(await retention.SweepAsync(CancellationToken.None) >= 1);
        Assert.Null(await LoadAsync(store, jobId));
        Assert.Empty(await Ledger.RowsAsync(system, jobId));
        await using var session = store.QuerySession();
        Assert.Empty(await session.Events.FetchStreamAsync(jobId));
    }

    private async Task RecordFinishedJobAsync(IDocumentStore store, string jobId, DateTimeOffset at)
    {
        await using var session = store.LightweightSession();
        var stats = new DeviceJobStatistics(1, 0, 1, 0, 0);
        session.Events.StartStream<JobStatus>(jobId,
            // The running system relays this JobCreated too; its query must target nobody.
            new JobCreated(jobId, JobTypes.ScheduleDeviceMethod, "deviceId = 'retention-spec-matches-no-device'", at, at, 60, new CloudToDeviceMethod("reboot", null, 30, 0), null),
            new JobStarted(jobId, at), new JobTargetsResolved(jobId, 1, at), new JobCompleted(jobId, stats, at));
        await session.SaveChangesAsync();
        await using var cmd = system.Database.CreateCommand("""
            insert into dispatch.device_jobs (job_id, device_id, job_type, status, created_utc, last_updated_utc)
            values ($1, 'retained-device', 'scheduleDeviceMethod', 'completed', $2, $2)
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(at.UtcDateTime);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<JobStatus?> LoadAsync(IDocumentStore store, string jobId)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<JobStatus>(jobId);
    }
}
