using System.Text;
using Npgsql;

namespace IotHubJobs.Dispatch;

/// <summary>
/// A ledger statement for the caller to run inside its own unit of work — jobs-api queues it in the Marten session
/// that appends the matching event, so ledger and event commit together. Placeholders are <c>?</c>, as Marten's
/// <c>QueueSqlCommand</c> takes them; the statements hold no other question mark.
/// </summary>
public sealed record UnitOfWorkStatement(string Sql, object[] Parameters)
{
    /// <summary>The same statement as a command in the caller's transaction, its placeholders numbered as Npgsql takes them.</summary>
    public NpgsqlCommand Command(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        var sql = new StringBuilder(Sql.Length + 2 * Parameters.Length);
        var number = 0;
        foreach (var c in Sql)
            if (c == '?') sql.Append('$').Append(++number);
            else sql.Append(c);
        if (number != Parameters.Length)
            throw new InvalidOperationException($"The statement has {number} placeholders for {Parameters.Length} parameters.");
        var cmd = new NpgsqlCommand(sql.ToString(), conn, tx);
        foreach (var value in Parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        return cmd;
    }
}
