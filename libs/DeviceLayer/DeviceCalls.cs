using System.Collections.Concurrent;
using System.Diagnostics;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.Dispatch;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IotHubJobs.DeviceLayer;

/// <summary>
/// Runs a request's method calls on the devices a device layer holds, each at most once per call id: record, then run
/// (docs/architecture.md, decision 4). The first delivery of a call id records it (<see cref="IDeviceCallLog"/>) and
/// runs it (<see cref="IDeviceMethodRunner"/>); a delivery of the same call id again — the broker redelivers what was
/// not acknowledged — runs nothing: it waits for the run still going on in this process, or answers from the recorded
/// outcome, or, when a run was cut short by a crash before its outcome was recorded, answers
/// <see cref="DeviceMethodOutcomeKind.OutcomeUnknown"/>. A job's call first claims each device's pending device job in
/// the same transaction, so a device canceled, timed out or already called for the job is not called.
/// </summary>
public sealed class DeviceCalls(NpgsqlDataSource dataSource, IDeviceMethodRunner runner, IDeviceCallLog log, DeviceJobClaims claims,
    TimeProvider clock, ILogger<DeviceCalls> logger)
{
    private static readonly TimeSpan OutcomePoll = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<Guid, Lazy<Task<CallRun>>> _running = new();

    /// <summary>The outcomes of one delivery; <c>Claim</c> is the job claim it took (none for calls outside jobs).</summary>
    public sealed record CallRun(IReadOnlyList<DeviceMethodOutcome> Outcomes, DeviceJobClaims.Claim? Claim);

    /// <summary>A job's part of a call: the devices' pending device jobs are claimed for this long.</summary>
    public sealed record JobClaim(string JobId, string ClaimedBy, TimeSpan Lease);

    /// <param name="answerBy">Until when the caller takes an answer: a run recorded by another process is awaited until then.</param>
    public async Task<CallRun> RunOnceAsync(Guid callId, IReadOnlyList<DeviceMethodCall> calls, JobClaim? job, DateTimeOffset answerBy)
    {
        var started = new Lazy<Task<CallRun>>(() => RunAsync(callId, calls, job, answerBy));
        var run = _running.GetOrAdd(callId, started);
        if (run != started)
        {
            logger.LogWarning("Call {CallId} was delivered again while it runs: it waits for that run's answers", callId);
            DeviceCallMetrics.RecordRepeatedDelivery();
        }
        try
        {
            return await run.Value;
        }
        finally
        {
            _running.TryRemove(new KeyValuePair<Guid, Lazy<Task<CallRun>>>(callId, run));
        }
    }

    // Not the delivery's token anywhere here: once a device runs, a dropped broker connection must not lose its answer.
    private async Task<CallRun> RunAsync(Guid callId, IReadOnlyList<DeviceMethodCall> calls, JobClaim? job, DateTimeOffset answerBy)
    {
        var prepared = await runner.PrepareAsync(calls, CancellationToken.None);
        var (claim, received) = await RecordAsync(callId, calls, job, prepared);

        var answeredAtOnce = new List<DeviceMethodOutcome>();
        var toRun = new List<DeviceMethodCall>();
        foreach (var call in calls.Where(c => received.Contains(c.DeviceId)))
        {
            if (!prepared.AnsweredAtOnce.TryGetValue(call.DeviceId, out var outcome)) toRun.Add(call);
            else
            {
                answeredAtOnce.Add(outcome);
                // The trace shows the answer where a run would have: only for a call of this delivery that is new.
                Activity.Current?.AddEvent(new ActivityEvent("answered"));
            }
        }
        var ran = await Task.WhenAll(toRun.Select(prepared.RunAsync));
        await RecordOutcomesAsync(callId, ran);
        var again = await AnsweredBeforeAsync(callId, calls.Where(c => !received.Contains(c.DeviceId)).Select(c => c.DeviceId).ToList(), answerBy);
        return new CallRun([.. answeredAtOnce, .. ran, .. again], claim);
    }

    /// <summary>
    /// Claims a job's devices and records the call, in one transaction; returns the claim and the devices whose call is
    /// new. Another process delivered the same call at the same moment when the record fails on its key (the broker
    /// handed a request that was not acknowledged to a second replica while the first still ran it): that delivery has
    /// committed its record by then, so recording once more finds the call recorded and runs nothing.
    /// </summary>
    private async Task<(DeviceJobClaims.Claim? Claim, HashSet<string> Received)> RecordAsync(Guid callId, IReadOnlyList<DeviceMethodCall> calls,
        JobClaim? job, PreparedCalls prepared)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync();
                await using var tx = await conn.BeginTransactionAsync();
                DeviceJobClaims.Claim? claim = null;
                var ours = calls;
                if (job is not null)
                {
                    claim = await claims.ClaimAsync(conn, tx, job.JobId, calls.Select(c => c.DeviceId).ToList(), job.ClaimedBy, job.Lease, CancellationToken.None);
                    var claimed = claim.DeviceIds.ToHashSet(StringComparer.Ordinal);
                    ours = calls.Where(c => claimed.Contains(c.DeviceId)).ToList();
                }
                var received = await log.RecordReceivedAsync(conn, tx, callId, ours, prepared, clock.GetUtcNow());
                await tx.CommitAsync();
                return (claim, received);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && attempt == 1)
            {
                logger.LogWarning("Call {CallId} was recorded by another delivery at the same moment: recording again", callId);
                DeviceCallMetrics.RecordRepeatedDelivery();
            }
        }
    }

    /// <summary>The answers exist now and go out whatever happens; unrecorded, a later delivery of this call would answer outcome unknown.</summary>
    private async Task RecordOutcomesAsync(Guid callId, IReadOnlyList<DeviceMethodOutcome> outcomes)
    {
        try
        {
            await log.RecordOutcomesAsync(callId, outcomes);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(e, "The outcomes of call {CallId} could not be recorded; they are answered all the same", callId);
        }
    }

    /// <summary>
    /// Devices of this call that an earlier delivery recorded: their recorded outcomes, awaited while that run may still go
    /// on in another process, then unknown. Devices with no record of this call are not this call's to answer.
    /// </summary>
    private async Task<IReadOnlyList<DeviceMethodOutcome>> AnsweredBeforeAsync(Guid callId, List<string> deviceIds, DateTimeOffset answerBy)
    {
        var recorded = await log.RecordedAsync(callId, deviceIds);
        if (recorded.Count == 0) return [];
        DeviceCallMetrics.RecordRepeatedDelivery();
        logger.LogWarning("Call {CallId} was delivered again: {Count} devices answer from its record and run nothing", callId, recorded.Count);
        while (recorded.Values.Any(o => o is null) && clock.GetUtcNow() + OutcomePoll < answerBy)
        {
            await Task.Delay(OutcomePoll, clock);
            recorded = await log.RecordedAsync(callId, recorded.Keys);
        }
        return recorded.Select(r => r.Value ?? new DeviceMethodOutcome(r.Key, DeviceMethodOutcomeKind.OutcomeUnknown, null, null)).ToList();
    }
}
