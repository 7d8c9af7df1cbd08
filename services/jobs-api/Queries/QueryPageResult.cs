using System.Text;
using JobsApi.Http;

namespace JobsApi.Queries;

/// <summary>
/// One page of query results the way the SDKs read it (docs/iothub-api.md, "Query paging"): a JSON array,
/// <c>x-ms-item-type</c> always, and <c>x-ms-continuation</c> only when another page exists — an empty header makes the
/// Node SDK loop forever.
/// </summary>
public sealed class QueryPageResult(string itemType, IReadOnlyList<string> itemsJson, string? continuation) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = IotHubJson.ContentType;
        response.Headers[QueryPaging.ItemTypeHeader] = itemType;
        if (!string.IsNullOrEmpty(continuation)) response.Headers[QueryPaging.ContinuationHeader] = continuation;

        var body = new StringBuilder("[");
        for (var i = 0; i < itemsJson.Count; i++)
        {
            if (i > 0) body.Append(',');
            body.Append(itemsJson[i]);
        }
        body.Append(']');
        await response.WriteAsync(body.ToString(), Encoding.UTF8, context.RequestAborted);
    }
}
