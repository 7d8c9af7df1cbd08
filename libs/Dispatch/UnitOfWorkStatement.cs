namespace IotHubJobs.Dispatch;

/// <summary>
/// A ledger statement for the caller to run inside its own unit of work — jobs-api queues it in the Marten session
/// that appends the matching event, so ledger and event commit together. Placeholders are <c>?</c>, as Marten's
/// <c>QueueSqlCommand</c> takes them.
/// </summary>
public sealed record UnitOfWorkStatement(string Sql, object[] Parameters);
