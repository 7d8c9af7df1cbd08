using System.Text.Json.Nodes;
using System.Threading.Channels;
using IotHubJobs.DeviceTwins;
using IotHubJobs.Registry;
using Npgsql;

namespace DeviceGateway.Twins;

/// <summary>
/// Reported patches of many devices written together (docs/devices.md, "Twins"). A twin job's desired change reaches
/// thousands of devices within a second and each answers with a reported patch at once; written one transaction per
/// patch, such a burst waited for pooled connections until they timed out and the devices were answered 500. Here
/// every patch waits in memory instead, and one writer applies up to <see cref="MaxPerBatch"/> of them, in arrival
/// order, in one transaction of the twin store. A device publishes one patch at a time (the MQTT server awaits its
/// handler), so one device's patches keep their order.
/// </summary>
public sealed class ReportedPatchBatches(TwinStore store, TimeProvider clock, ILogger<ReportedPatchBatches> logger) : BackgroundService
{
    private const int MaxPerBatch = 500;

    /// <summary>Beyond this many waiting patches a device's publish waits too, which slows only the publishing devices.</summary>
    private readonly Channel<PendingPatch> _pending = Channel.CreateBounded<PendingPatch>(
        new BoundedChannelOptions(50_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    public async Task<ReportedPatchOutcome> ApplyAsync(string deviceId, JsonObject patch, CancellationToken ct)
    {
        var pending = new PendingPatch(deviceId, patch, new TaskCompletionSource<ReportedPatchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _pending.Writer.WriteAsync(pending, ct);
        return await pending.Outcome.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingPatch>(MaxPerBatch);
        while (await _pending.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            while (batch.Count < MaxPerBatch && _pending.Reader.TryRead(out var next)) batch.Add(next);
            await WriteAsync(batch, stoppingToken);
        }
    }

    private async Task WriteAsync(List<PendingPatch> batch, CancellationToken ct)
    {
        try
        {
            var now = clock.GetUtcNow();
            var outcomes = await store.UpdateAsync(batch.Select(p => p.DeviceId).ToArray(), TwinSections.Reported,
                twins => batch.Select(p => Apply(twins, p, now)).ToArray(), ct);
            for (var i = 0; i < batch.Count; i++) batch[i].Outcome.TrySetResult(outcomes[i]);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Whatever failed, the batch's devices hear it and this writer goes on with the next batch.
            logger.LogWarning(e, "A batch of {Count} reported patches could not be saved", batch.Count);
            var outcome = e is NpgsqlException or TimeoutException ? ReportedPatchOutcome.NotSaved : ReportedPatchOutcome.Failed;
            foreach (var pending in batch) pending.Outcome.TrySetResult(outcome);
        }
    }

    private static ReportedPatchOutcome Apply(LockedTwins twins, PendingPatch pending, DateTimeOffset now)
    {
        if (!twins.TryGet(pending.DeviceId, out var twin)) return ReportedPatchOutcome.UnknownDevice;
        var edit = TwinEditor.Report(twin, pending.Patch, now);
        if (edit.Error is not null) return ReportedPatchOutcome.Invalid(edit.Error);
        if (edit.Changed) twins.Save(pending.DeviceId, edit.Twin);
        return ReportedPatchOutcome.Saved((long?)TwinEditor.Section(edit.Twin, TwinEditor.Reported)[TwinKeys.Version] ?? 0);
    }

    private sealed record PendingPatch(string DeviceId, JsonObject Patch, TaskCompletionSource<ReportedPatchOutcome> Outcome);
}
