using IotHubJobs.Registry;
using IotHubJobs.IotHubErrors;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.DeviceTwins;
using IotHubJobs.Dispatch;
using IotHubJobs.Presence;
using IotHubJobs.ServiceDefaults;
using MassTransit;
using Npgsql;
using IotHubJobs.Messaging;

namespace Executor.Twins;

/// <summary>
/// Runs a twin job on a chunk of devices (docs/iothub-api.md, "Jobs v2" and "Device twins"): claim them (at most once
/// per job), apply the job's patch to all of them as a forced update in one transaction, then publish one message with
/// every result and one telling the device layer about the desired changes, and send the device-gateway instances
/// holding connected devices theirs (libs/Presence, <see cref="DeviceRoutes.DesiredChangeQueuesAsync"/>). Devices deleted
/// since the job started fail with <c>DeviceNotFound</c>.
/// </summary>
public sealed class UpdateDeviceTwinsConsumer(DeviceJobClaims claims, TwinStore store, ClaimedOutcomes report, DeviceRoutes routes,
    TimeProvider clock, IConfiguration configuration, ILogger<UpdateDeviceTwinsConsumer> logger)
    : IConsumer<UpdateDeviceTwins>
{
    /// <summary>A chunk is one short transaction; beyond this (plus the claim grace) the sweeper treats the claim as lost.</summary>
    private static readonly TimeSpan ExpectedDuration = TimeSpan.FromSeconds(30);
    private const int Attempts = 3;
    private readonly TimeSpan _lease = ExpectedDuration + TimeSpan.FromSeconds(configuration.GetValue("Dispatch:ClaimGraceSeconds", 30.0));
    private readonly string _instance = configuration["Executor:InstanceId"] ?? Environment.MachineName;

    public async Task Consume(ConsumeContext<UpdateDeviceTwins> context)
    {
        var command = context.Message;
        var claim = await claims.ClaimAsync(command.JobId, command.DeviceIds, _instance, _lease, context.CancellationToken);
        var (claimed, startedAt) = (claim.DeviceIds, claim.ClaimedAt);
        if (claimed.Count == 0) return;
        // Not the delivery's token from here on: a redelivery could not update these claimed devices again.
        var ct = CancellationToken.None;

        using var activity = Telemetry.Source.StartActivity("update device twins");
        activity?.SetTag("iothub.job_id", command.JobId);
        activity?.SetTag("iothub.device_count", claimed.Count);

        var outcome = TwinPatchReader.TryReadJobPatch(command.PatchJson, out var patch, out var patchError)
            ? await ApplyAsync(command.JobId, claimed, patch, startedAt, command.AcknowledgementTimeoutInSeconds is not null, ct)
            : TwinJobOutcome.AllFailed(claimed, DeviceOperationErrors.Invalid(patchError), startedAt, clock.GetUtcNow());

        outcome = outcome with { Results = outcome.Results.Select(r => r with { Attempt = claim.AttemptOf(r.DeviceId) }).ToList() };
        DeviceOperationMetrics.Record("updateTwin", outcome.Results, startedAt, clock.GetUtcNow());
        if (outcome.AwaitingAcknowledgement.Count > 0)
        {
            // Before the devices hear of the change: an acknowledgement that arrives at once must find its device job waiting.
            var until = clock.GetUtcNow().AddSeconds(command.AcknowledgementTimeoutInSeconds!.Value);
            await claims.AwaitAcknowledgementAsync(command.JobId, outcome.AwaitingAcknowledgement, _instance, until, ct);
            claim = claim with { DeviceIds = outcome.Results.Select(r => r.DeviceId).ToList() };
        }
        var holders = await HoldersAsync(command.JobId, outcome.DesiredChanges);
        // Published again after a failure, the results are ignored as already recorded and a desired change is told once more.
        await report.ReportAsync(command.JobId, claim, _instance, async token =>
        {
            if (outcome.Results.Count > 0) await context.PublishBatch(ResultMessages.Of(command.JobId, outcome.Results), token);
            if (outcome.DesiredChanges.Count > 0) await context.Publish(new DesiredPropertiesChanged(outcome.DesiredChanges), token);
            foreach (var (queue, changes) in holders)
                await (await context.GetSendEndpoint(QueueAddress.Of(queue))).Send(new DesiredPropertiesChanged(changes), token);
        });
    }

    /// <summary>
    /// The device-gateway queues for the connected devices' changes. The twins are committed and the claims taken, so a
    /// failed lookup is not this delivery's failure: those devices then hear of the change when they next read their twin.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, List<DeviceDesiredProperties>>> HoldersAsync(string jobId, IReadOnlyList<DeviceDesiredProperties> changes)
    {
        if (changes.Count == 0) return new Dictionary<string, List<DeviceDesiredProperties>>();
        try
        {
            return await routes.DesiredChangeQueuesAsync(changes, CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "Connected devices of job {JobId} not told of its desired change: presence could not be read", jobId);
            return new Dictionary<string, List<DeviceDesiredProperties>>();
        }
    }

    /// <summary>Retries transient database failures here, because the claims are already taken and a redelivered
    /// message would find nothing left to claim; after the last attempt the devices fail honestly instead.</summary>
    private async Task<TwinJobOutcome> ApplyAsync(string jobId, IReadOnlyList<string> deviceIds, TwinPatch patch, DateTimeOffset startedAt,
        bool acknowledged, CancellationToken ct)
    {
        // An acknowledged job also reads what the devices reported: a device that already shows the change succeeds now.
        var sections = acknowledged ? TwinSections.ServiceWritable.With(TwinSections.Reported) : TwinSections.ServiceWritable;
        for (var attempt = 1; ; attempt++)
        {
            var now = clock.GetUtcNow();
            try
            {
                return await store.UpdateAsync(deviceIds, sections, twins => TwinJobChunk.Apply(twins, jobId, deviceIds, patch, startedAt, now, acknowledged), ct);
            }
            catch (NpgsqlException e) when (attempt < Attempts)
            {
                logger.LogWarning(e, "Twin update of job {JobId} failed (attempt {Attempt}); retrying", jobId, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), clock, ct);
            }
            catch (NpgsqlException e)
            {
                logger.LogError(e, "Twin update of job {JobId} failed for {Count} devices", jobId, deviceIds.Count);
                return TwinJobOutcome.AllFailed(deviceIds, DeviceOperationErrors.TwinUpdateNotSaved, startedAt, clock.GetUtcNow());
            }
        }
    }
}

/// <summary>
/// Each message is a chunk of devices in one short transaction. Four at a time per executor: with eight, twin jobs were
/// no faster, PostgreSQL and the executors spent more CPU a device and the executors held more memory — more twins alive
/// across round trips for the collector, more transactions contending on two cores (docs/benchmarks.md, "Fewer twin
/// chunks at a time"). More executors, not more chunks each, are how twin jobs scale out.
/// </summary>
public sealed class UpdateDeviceTwinsConsumerDefinition() :
    QueueDefinition<UpdateDeviceTwinsConsumer>("update-device-twins", prefetchCount: 8, concurrentMessageLimit: 4);
