using IotHubJobs.IotHubErrors;
using IotHubJobs.Query;
using IotHubJobs.ServiceDefaults;

namespace JobsApi.Queries;

/// <summary>
/// Page size and continuation of a query request (docs/iothub-api.md, "Query paging"). The SDKs send the headers
/// <c>x-ms-max-item-count</c> / <c>x-ms-continuation</c>; the jobs dev guide shows <c>pageSize</c> /
/// <c>continuationToken</c> query parameters, so the job listing accepts those too.
/// </summary>
public sealed record QueryPaging(int PageSize, QueryContinuation? Continuation)
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    public const string MaxItemCountHeader = "x-ms-max-item-count";
    public const string ContinuationHeader = "x-ms-continuation";
    public const string ItemTypeHeader = "x-ms-item-type";

    public int Offset => (int)Math.Min(Continuation?.Offset ?? 0, int.MaxValue);

    public static (QueryPaging? Paging, IotHubRefusal? Refusal) Read(HttpRequest request, bool acceptQueryParameters)
    {
        var sizeText = Value(request.Headers[MaxItemCountHeader]) ?? (acceptQueryParameters ? Value(request.Query["pageSize"]) : null);
        var tokenText = Value(request.Headers[ContinuationHeader]) ?? (acceptQueryParameters ? Value(request.Query["continuationToken"]) : null);

        var pageSize = DefaultPageSize;
        if (sizeText is not null)
        {
            // Digits only: no sign, no spaces, no second value ("5, 6"). Larger than the maximum is clamped, as IoT Hub does.
            if (sizeText.Length == 0 || !sizeText.All(char.IsAsciiDigit) || sizeText.TrimStart('0').Length == 0)
                return Fail($"The page size ({MaxItemCountHeader}) must be a whole number from 1 to {MaxPageSize}.");
            var digits = sizeText.TrimStart('0');
            pageSize = digits.Length > 4 ? MaxPageSize : Math.Min(int.Parse(digits), MaxPageSize);
        }

        QueryContinuation? continuation = null;
        if (tokenText is not null)
        {
            if (!QueryContinuation.TryParse(tokenText, out var parsed))
                return Fail($"The continuation token ({ContinuationHeader}) is not one this service issued.");
            continuation = parsed;
        }

        return (new QueryPaging(pageSize, continuation), null);
    }

    /// <summary>The header's text; null when absent or empty (C# may send an empty continuation on the first page).</summary>
    private static string? Value(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 0 || string.IsNullOrEmpty(values.ToString()) ? null : values.ToString();

    private static (QueryPaging?, IotHubRefusal?) Fail(string message) =>
        (null, new IotHubRefusal(IotHubError.ArgumentInvalid, message));
}
