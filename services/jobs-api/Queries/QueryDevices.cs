using IotHubJobs.IotHubErrors;
using System.Text.Json;
using System.Text.Json.Nodes;
using IotHubJobs.Dispatch;
using IotHubJobs.Query;
using IotHubJobs.ServiceDefaults;
using JobsApi.Http;
using JobsApi.Jobs;
using Marten;
using Npgsql;

namespace JobsApi.Queries;

/// <summary>
/// <c>POST /devices/query</c> (docs/iothub-api.md, "Query paging"): twins (<c>FROM devices</c>) or device job records
/// (<c>FROM devices.jobs</c>). The query compiles to parameterised SQL (docs/architecture.md, decision 7
/// "Queries compile to parameterised SQL"); one page is read per call.
/// </summary>
public static class QueryDevices
{
    /// <summary>A runaway query must not hold a connection for long; the SDKs give up after 100 s anyway.</summary>
    private const int CommandTimeoutSeconds = 30;

    public static async Task<IResult> Handle(HttpRequest request, NpgsqlDataSource database, IQuerySession session, JobRetention retention,
        CancellationToken ct)
    {
        var (paging, pagingError) = QueryPaging.Read(request, acceptQueryParameters: false);
        if (pagingError is not null) return IotHubErrorResponse.Result(pagingError);
        var (body, invalidBody) = await RequestBody.ReadAsync(request, ct);
        if (invalidBody is not null) return IotHubErrorResponse.Result(invalidBody);
        var (text, textError) = QueryText(body);
        if (textError is not null) return IotHubErrorResponse.Result(textError);

        CompiledQuery compiled;
        try
        {
            var statement = QueryParser.Parse(text!, QueryCollectionsOf.Owners);
            // The device jobs of a job past its retention are gone for clients at once, not only when the sweep removes them.
            var expired = statement.From == DeviceJobQuerySource.Source
                ? new QueryExclusion(DeviceJobQuerySource.Source.Collection, "jobId", await retention.ExpiredNotRemovedAsync(session, ct))
                : null;
            compiled = SqlCompiler.Compile(statement, expired);
        }
        catch (QueryException e)
        {
            return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, e.Message);
        }

        var page = compiled.PageSql(paging!.PageSize, paging.Continuation);
        List<string> rows;
        try
        {
            rows = await ReadItemsAsync(database, page, ct);
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            // Class 22 is "data exception": the stored values cannot be evaluated as the query asks (e.g. a date out of range).
            return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, "The query cannot be evaluated over the stored documents.");
        }

        var next = compiled.NextContinuation(paging.PageSize, paging.Continuation, rows.Count);
        return new QueryPageResult(compiled.ItemKind.ToString(), rows.Take(paging.PageSize).ToList(), next?.ToToken());
    }

    private static (string? Text, IotHubRefusal? Refusal) QueryText(JsonNode? body)
    {
        if (body is not JsonObject request)
            return (null, new IotHubRefusal(IotHubError.ArgumentInvalid, "The request body must be a JSON object like {\"query\":\"SELECT * FROM devices\"}."));
        var query = request["query"];
        if (query is null || query.GetValueKind() == JsonValueKind.Null)
            return (null, new IotHubRefusal(IotHubError.ArgumentNull, "The request body has no query: send {\"query\":\"SELECT * FROM devices\"}."));
        if (query.GetValueKind() != JsonValueKind.String)
            return (null, new IotHubRefusal(IotHubError.ArgumentInvalid, "query must be a string."));
        return (query.GetValue<string>(), null);
    }

    private static async Task<List<string>> ReadItemsAsync(NpgsqlDataSource database, SqlQuery page, CancellationToken ct)
    {
        await using var cmd = database.CreateCommand(page.Sql);
        cmd.CommandTimeout = CommandTimeoutSeconds;
        foreach (var value in page.Parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        var items = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) items.Add(reader.GetString(0));
        return items;
    }
}
