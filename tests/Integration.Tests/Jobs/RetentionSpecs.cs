using IotHubJobs.Contracts.Jobs.Rollouts;
using IotHubJobs.Contracts.Jobs;
using Integration.Tests.Infrastructure;
using JobsApi.Jobs;
using Marten;
using MassTransit;
using System.Net;
using System.Text.Json.Nodes;
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
        await RecordDeviceCallsAsync(jobId, clock.GetUtcNow());
        // The relayed JobCreated gave the job a schedule row; it must be there before the sweep can prove it goes.
        await Ledger.EventuallyAsync(async () => await Ledger.ScheduleStateAsync(system, jobId) is not null);
        var bus = await StartBusAsync();
        var retention = new JobRetention(store, bus, clock,
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
        // The scheduler and device-sim forget the job too, told by the sweep.
        await Ledger.EventuallyAsync(async () => await Ledger.ScheduleStateAsync(system, jobId) is null);
        await Ledger.EventuallyAsync(async () => await DeviceCallRowsAsync(jobId) == 0);
        await bus.StopAsync();
    }

    [Fact]
    public async Task An_expired_job_is_gone_from_GET_cancel_and_devices_jobs_queries_before_any_sweep_removes_it()
    {
        using var store = DocumentStore.For(o => { o.Connection(system.DatabaseConnectionString); JobStore.Configure(o); });
        var jobId = $"expired-{Guid.NewGuid():N}"[..24];
        // Ended 31 days ago by the running system's own clock; its hourly sweep ran at start-up, long before this job existed.
        await RecordFinishedJobAsync(store, jobId, DateTimeOffset.UtcNow.AddDays(-31));

        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.PostAsync($"/jobs/v2/{jobId}/cancel")).Status);
        var query = await system.Hub.PostAsync("/devices/query", new JsonObject { ["query"] = $"SELECT * FROM devices.jobs WHERE devices.jobs.jobId = '{jobId}'" });
        Assert.Equal("[]", query.EnsureStatus(HttpStatusCode.OK).Json.ToJsonString());
        var all = await system.Hub.PostAsync("/devices/query", new JsonObject { ["query"] = "SELECT * FROM devices.jobs WHERE deviceId = 'retained-device'" });
        Assert.DoesNotContain(jobId, all.EnsureStatus(HttpStatusCode.OK).Text);
        Assert.Single(await Ledger.RowsAsync(system, jobId));
    }

    [Fact]
    public async Task A_recurring_template_is_kept_while_active_its_children_expire_on_their_own_and_it_expires_thirty_days_after_its_cancel()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-900));
        using var store = DocumentStore.For(o => { o.Connection(system.DatabaseConnectionString); JobStore.Configure(o); });
        var templateId = $"tpl-{Guid.NewGuid():N}"[..24];
        var childId = $"{templateId}-20240229T0300Z";
        await using (var session = store.LightweightSession())
        {
            // The running system relays this JobCreated too: a cron whose next occurrence is years away creates no child meanwhile.
            session.Events.StartStream<JobStatus>(templateId,
                new JobCreated(templateId, JobTypes.ScheduleDeviceMethod, "deviceId = 'retention-spec-matches-no-device'", clock.GetUtcNow(), clock.GetUtcNow(),
                    60, new CloudToDeviceMethod("reboot", null, 30, 0), null, Recurrence: new JobRecurrence("0 3 29 2 *", "UTC")),
                new JobScheduled(templateId, clock.GetUtcNow()));
            await session.SaveChangesAsync();
        }
        await RecordFinishedJobAsync(store, childId, clock.GetUtcNow().AddDays(1));
        await Ledger.EventuallyAsync(async () => await RecurrenceRowAsync(templateId));
        var bus = await StartBusAsync();
        var retention = new JobRetention(store, bus, clock,
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Jobs:RetentionDays"] = "30" }).Build(),
            NullLogger<JobRetention>.Instance);

        // 400 days on: the child, ended long ago, is gone; the active template, however old, is kept.
        clock.Advance(TimeSpan.FromDays(400));
        await retention.SweepAsync(CancellationToken.None);
        Assert.Null(await LoadAsync(store, childId));
        var template = await LoadAsync(store, templateId);
        Assert.NotNull(template);
        Assert.False(retention.IsExpired(template));

        // Cancelled, it is a finished job like any other: kept for the retention period from its cancel, then removed.
        await using (var session = store.LightweightSession())
        {
            session.Events.Append(templateId, new JobCancelled(templateId, clock.GetUtcNow()));
            await session.SaveChangesAsync();
        }
        clock.Advance(TimeSpan.FromDays(29));
        await retention.SweepAsync(CancellationToken.None);
        template = await LoadAsync(store, templateId);
        Assert.NotNull(template);
        Assert.Equal("cancelled", template.Status);
        Assert.False(retention.IsExpired(template));
        clock.Advance(TimeSpan.FromDays(2));
        Assert.True(retention.IsExpired(template));
        Assert.True(await retention.SweepAsync(CancellationToken.None) >= 1);
        Assert.Null(await LoadAsync(store, templateId));
        // The scheduler forgets its occurrence row, told by the sweep.
        await Ledger.EventuallyAsync(async () => !await RecurrenceRowAsync(templateId));
        await bus.StopAsync();
    }

    private async Task<bool> RecurrenceRowAsync(string jobId)
    {
        await using var cmd = system.Database.CreateCommand("select exists (select 1 from scheduler.job_recurrences where job_id = $1)");
        cmd.Parameters.AddWithValue(jobId);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<IBusControl> StartBusAsync()
    {
        Environment.SetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY", "false");
        var bus = MassTransit.Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(new Uri(system.RabbitMqUri)));
        await bus.StartAsync();
        return bus;
    }

    private async Task RecordDeviceCallsAsync(string jobId, DateTimeOffset at)
    {
        await using var batch = system.Database.CreateBatch();
        foreach (var sql in new[]
        {
            "insert into devicesim.calls (call_id, device_id, job_id, method_name, received_at) values (gen_random_uuid(), 'retained-device', $1, 'reboot', $2)",
            "insert into devicesim.execution_batches (call_id, job_id, method_name, executed_at, device_ids) values (gen_random_uuid(), $1, 'reboot', $2, array['retained-device'])",
        })
            batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand(sql) { Parameters = { new() { Value = jobId }, new() { Value = at.UtcDateTime } } });
        await batch.ExecuteNonQueryAsync();
    }

    private async Task<long> DeviceCallRowsAsync(string jobId)
    {
        await using var cmd = system.Database.CreateCommand(
            "select (select count(*) from devicesim.calls where job_id = $1) + (select count(*) from devicesim.executions where job_id = $1)");
        cmd.Parameters.AddWithValue(jobId);
        return (long)(await cmd.ExecuteScalarAsync())!;
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
