using JobsApi.Events;
using Npgsql;

namespace JobsApi.Webhooks;

/// <summary>
/// The owner of <c>webhooks.subscriptions</c> and <c>webhooks.deliveries</c> (Database/webhooks.sql): every statement on
/// them. Statements of a delivery loop hold only while its lease does (<c>lease_owner</c>), so a loop that lost its
/// lease to another jobs-api instance changes nothing. Times come from the caller's clock.
/// </summary>
public sealed class WebhookStore(NpgsqlDataSource dataSource)
{
    private const string Columns = """
        name, url, event_types, job_id_prefix, secret, version, created_utc, updated_utc, cursor_sequence, cursor_index,
        attempts, first_attempt_utc, failing_since, next_attempt_utc, last_attempt_utc, last_status_code, last_reason
        """;

    /// <summary>Creates or replaces a subscription; a new one starts at <paramref name="startAt"/>, a replacement keeps its cursor.</summary>
    /// <returns>The subscription, and whether it was created (rather than replaced).</returns>
    public async Task<(WebhookSubscription Subscription, bool Created)> UpsertAsync(string name, WebhookDefinition definition,
        string newSecret, long startAt, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            insert into webhooks.subscriptions (name, url, event_types, job_id_prefix, secret, created_utc, updated_utc, cursor_sequence)
            values ($1, $2, $3, $4, coalesce($5, $6), $7, $7, $8)
            on conflict (name) do update set url = excluded.url, event_types = excluded.event_types,
                job_id_prefix = excluded.job_id_prefix, secret = coalesce($5, subscriptions.secret),
                updated_utc = excluded.updated_utc, version = subscriptions.version + 1
            returning {Columns}, (xmax = 0)
            """);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(definition.Url);
        cmd.Parameters.AddWithValue(definition.EventTypes.ToArray());
        cmd.Parameters.Add(Text(definition.JobIdPrefix));
        cmd.Parameters.Add(Text(definition.Secret));
        cmd.Parameters.AddWithValue(newSecret);
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        cmd.Parameters.AddWithValue(startAt);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (Read(reader), reader.GetBoolean(17));
    }

    public async Task<WebhookSubscription?> FindAsync(string name, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"select {Columns} from webhooks.subscriptions where name = $1");
        cmd.Parameters.AddWithValue(name);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<List<WebhookSubscription>> ListAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"select {Columns} from webhooks.subscriptions order by name");
        var all = new List<WebhookSubscription>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) all.Add(Read(reader));
        return all;
    }

    public async Task<List<string>> NamesAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select name from webhooks.subscriptions");
        var names = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>Removes a subscription and its delivery records; false when there was none.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            with gone as (delete from webhooks.subscriptions where name = $1 returning name),
                 records as (delete from webhooks.deliveries where name in (select name from gone))
            select count(*) from gone
            """);
        cmd.Parameters.AddWithValue(name);
        return (long)(await cmd.ExecuteScalarAsync(ct))! > 0;
    }

    /// <summary>Takes (or renews) the right to deliver for this subscription until <paramref name="until"/>; null when another instance holds it or it is gone.</summary>
    public async Task<WebhookSubscription?> ClaimAsync(string name, string owner, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand($"""
            update webhooks.subscriptions set lease_owner = $2, lease_until = $4
             where name = $1 and (lease_owner is null or lease_owner = $2 or lease_until < $3)
            returning {Columns}
            """);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        cmd.Parameters.AddWithValue(until.UtcDateTime);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    public async Task<bool> ExistsAsync(string name, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select exists (select 1 from webhooks.subscriptions where name = $1)");
        cmd.Parameters.AddWithValue(name);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Gives the lease up (a loop that stops), so another instance need not wait for it to run out.</summary>
    public async Task ReleaseAsync(string name, string owner, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("update webhooks.subscriptions set lease_owner = null, lease_until = null where name = $1 and lease_owner = $2");
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(owner);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A batch ended — delivered, or given up after the retry period: the cursor moves past it and the delivery is
    /// recorded, in one statement. A delivered batch also ends any failing period.
    /// </summary>
    public async Task RecordFinishedAsync(string name, string owner, EventPosition cursor, WebhookDelivery delivery, CancellationToken ct)
    {
        var delivered = delivery.Status == WebhookDelivery.Delivered;
        await using var cmd = dataSource.CreateCommand("""
            with moved as (
                update webhooks.subscriptions
                   set cursor_sequence = $3, cursor_index = $4, attempts = 0, first_attempt_utc = null, next_attempt_utc = null,
                       failing_since = case when $5 then null else failing_since end,
                       last_attempt_utc = $6, last_status_code = $7, last_reason = $8
                 where name = $1 and lease_owner = $2
                returning name)
            insert into webhooks.deliveries (name, first_event_id, last_event_id, event_count, status, attempts, status_code, reason,
                                             first_attempt_utc, last_attempt_utc)
            select name, $9, $10, $11, $12, $13, $7, $8, $14, $6 from moved
            """);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(cursor.Sequence);
        cmd.Parameters.AddWithValue(cursor.Index);
        cmd.Parameters.AddWithValue(delivered);
        cmd.Parameters.AddWithValue(delivery.LastAttemptUtc.UtcDateTime);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)delivery.StatusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        cmd.Parameters.Add(Text(delivery.Reason));
        cmd.Parameters.AddWithValue(delivery.FirstEventId);
        cmd.Parameters.AddWithValue(delivery.LastEventId);
        cmd.Parameters.AddWithValue(delivery.EventCount);
        cmd.Parameters.AddWithValue(delivery.Status);
        cmd.Parameters.AddWithValue(delivery.Attempts);
        cmd.Parameters.AddWithValue(delivery.FirstAttemptUtc.UtcDateTime);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>An attempt failed: the batch is tried again at <paramref name="nextAttempt"/>.</summary>
    public async Task RecordFailedAttemptAsync(string name, string owner, int attempts, DateTimeOffset firstAttempt, DateTimeOffset failingSince,
        DateTimeOffset attemptedAt, DateTimeOffset nextAttempt, int? statusCode, string reason, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            update webhooks.subscriptions
               set attempts = $3, first_attempt_utc = $4, failing_since = $5, last_attempt_utc = $6, next_attempt_utc = $7,
                   last_status_code = $8, last_reason = $9
             where name = $1 and lease_owner = $2
            """);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(attempts);
        cmd.Parameters.AddWithValue(firstAttempt.UtcDateTime);
        cmd.Parameters.AddWithValue(failingSince.UtcDateTime);
        cmd.Parameters.AddWithValue(attemptedAt.UtcDateTime);
        cmd.Parameters.AddWithValue(nextAttempt.UtcDateTime);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)statusCode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        cmd.Parameters.AddWithValue(reason);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Nothing to send, but the log was read further (events of other jobs or types): the cursor moves on.</summary>
    public async Task AdvanceCursorAsync(string name, string owner, EventPosition cursor, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            update webhooks.subscriptions set cursor_sequence = $3, cursor_index = $4
             where name = $1 and lease_owner = $2 and (cursor_sequence, cursor_index) < ($3, $4)
            """);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(owner);
        cmd.Parameters.AddWithValue(cursor.Sequence);
        cmd.Parameters.AddWithValue(cursor.Index);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The last finished deliveries, newest first; only the failed ones when <paramref name="status"/> says so.</summary>
    public async Task<List<WebhookDelivery>> DeliveriesAsync(string name, string? status, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select first_event_id, last_event_id, event_count, status, attempts, status_code, reason, first_attempt_utc, last_attempt_utc
              from webhooks.deliveries where name = $1 and ($2::text is null or status = $2) order by id desc limit $3
            """);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.Add(Text(status));
        cmd.Parameters.AddWithValue(limit);
        var deliveries = new List<WebhookDelivery>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            deliveries.Add(new WebhookDelivery(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
                reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                Utc(reader, 7)!.Value, Utc(reader, 8)!.Value));
        return deliveries;
    }

    /// <summary>Removes delivery records older than the job history (docs/events.md, "Delivery").</summary>
    public async Task<int> ForgetDeliveriesBeforeAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("delete from webhooks.deliveries where last_attempt_utc < $1");
        cmd.Parameters.AddWithValue(before.UtcDateTime);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static WebhookSubscription Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetFieldValue<string[]>(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4),
        r.GetInt64(5), Utc(r, 6)!.Value, Utc(r, 7)!.Value, new EventPosition(r.GetInt64(8), r.GetInt32(9)), r.GetInt32(10),
        Utc(r, 11), Utc(r, 12), Utc(r, 13), Utc(r, 14), r.IsDBNull(15) ? null : r.GetInt32(15), r.IsDBNull(16) ? null : r.GetString(16));

    private static DateTimeOffset? Utc(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : new DateTimeOffset(reader.GetDateTime(column), TimeSpan.Zero);

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text };
}
