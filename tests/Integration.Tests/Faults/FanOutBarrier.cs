using Npgsql;

namespace Integration.Tests.Faults;

/// <summary>
/// Stops a job's fan-out at the chunk that holds one chosen device: an uncommitted ledger row for that device makes
/// the scheduler's insert of the same key wait until the barrier is released (rolled back). Chunks before it commit,
/// so a fault can be injected into a fan-out that is provably half done.
/// </summary>
public static class FanOutBarrier
{
    public static async Task<HeldTransaction> HoldAsync(NpgsqlDataSource database, string jobId, string deviceId) =>
        (await HeldTransaction.BeginAsync(database, """
            insert into dispatch.device_jobs (job_id, device_id, job_type, status, created_utc, last_updated_utc)
            values ($1, $2, 'scheduleDeviceMethod', 'pending', now(), now())
            """, jobId, deviceId)).Held;
}
