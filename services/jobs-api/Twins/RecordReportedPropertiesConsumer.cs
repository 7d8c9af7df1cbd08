using IotHubJobs.Registry;
using System.Text.Json;
using System.Text.Json.Nodes;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.DeviceTwins;
using MassTransit;
using IotHubJobs.Messaging;
using JobsApi.Jobs.Rollouts;

namespace JobsApi.Twins;

/// <summary>
/// Applies what devices reported to their twins' <c>properties.reported</c>, one transaction per message of many devices.
/// Idempotent: a redelivered report holds values the twin already has, which changes nothing. Reports for deleted
/// devices and reports that break the twin rules are dropped with a warning — a device cannot be answered here.
/// </summary>
public sealed class RecordReportedPropertiesConsumer(TwinStore store, TwinAcknowledgements acknowledgements, TimeProvider clock,
    ILogger<RecordReportedPropertiesConsumer> logger)
    : IConsumer<ReportedPropertiesReported>
{
    public async Task Consume(ConsumeContext<ReportedPropertiesReported> context)
    {
        var reports = context.Message.Devices
            .Select(r => (r.DeviceId, Patch: Parse(r)))
            .Where(r => r.Patch is not null)
            .GroupBy(r => r.DeviceId, StringComparer.Ordinal)
            .ToList();
        var now = clock.GetUtcNow();
        foreach (var batch in reports.Chunk(TwinStore.MaxBatch))
        {
            var reported = await store.UpdateAsync(batch.Select(g => g.Key).ToList(), TwinSections.Reported, twins => Apply(twins, batch, now), context.CancellationToken);
            // After the commit: an acknowledged twin job's device job succeeds once its device's twin shows the change.
            foreach (var completed in await acknowledgements.AcknowledgedAsync(reported, context.CancellationToken))
                await context.Publish(completed, context.CancellationToken);
        }
    }

    /// <returns>The reported properties of the reporting devices as the reports left them (twins of that section alone).</returns>
    private Dictionary<string, JsonObject> Apply(LockedTwins twins, IEnumerable<IGrouping<string, (string DeviceId, JsonObject? Patch)>> reports, DateTimeOffset now)
    {
        var after = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var device in reports)
        {
            if (!twins.TryGet(device.Key, out var twin)) continue;
            var updated = twin;
            foreach (var (_, patch) in device)
            {
                var edit = TwinEditor.Report(updated, patch!, now);
                if (edit.Error is not null) logger.LogWarning("Dropping a reported patch of {DeviceId}: {Error}", device.Key, edit.Error);
                else if (edit.Changed) updated = edit.Twin;
            }
            after[device.Key] = updated;
            if (ReferenceEquals(updated, twin)) continue;
            twins.Save(device.Key, updated);
        }
        return after;
    }

    private JsonObject? Parse(DeviceReportedProperties report)
    {
        try
        {
            if (JsonNode.Parse(report.PatchJson) is JsonObject patch) return patch;
        }
        catch (JsonException) { }
        logger.LogWarning("Dropping a reported patch of {DeviceId}: not a JSON object", report.DeviceId);
        return null;
    }
}

/// <summary>
/// Each message already carries a chunk of devices; a few in parallel keep PostgreSQL busy without piling up locks.
/// </summary>
public sealed class RecordReportedPropertiesConsumerDefinition() :
    QueueDefinition<RecordReportedPropertiesConsumer>("record-reported-properties", prefetchCount: 16, concurrentMessageLimit: 4);
