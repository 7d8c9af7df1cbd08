using IotHubJobs.Query.Ast;
using IotHubJobs.Query.Syntax;

namespace IotHubJobs.Query;

public static class QueryParser
{
    /// <summary>IoT Hub's maximum query length; see <see cref="QueryLimits"/> for all limits.</summary>
    public const int MaxQueryLength = QueryLimits.MaxQueryLength;

    /// <summary>Parses <c>SELECT ... FROM devices|devices.jobs [WHERE ...] [GROUP BY ...]</c>.</summary>
    public static QueryStatement Parse(string text)
    {
        CheckLength(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw QueryException.Syntax(1, "the query is empty");
        }

        return Parser.ParseStatement(text);
    }

    /// <summary>Parses a job's <c>queryCondition</c> over device twins: a WHERE condition, or <c>*</c> for all devices.</summary>
    public static Condition ParseCondition(string queryCondition) => ParseCondition(queryCondition, QuerySource.Devices);

    public static Condition ParseCondition(string queryCondition, QuerySource source)
    {
        CheckLength(queryCondition);
        if (string.IsNullOrWhiteSpace(queryCondition))
        {
            throw QueryException.Syntax(1, "the query condition is empty; use '*' to target all devices");
        }

        if (queryCondition.Trim() == "*")
        {
            return ConstantCondition.True;
        }

        return Parser.ParseCondition(queryCondition, source);
    }

    private static void CheckLength(string? text)
    {
        if (text is null)
        {
            throw QueryException.Syntax(1, "the query is empty");
        }

        if (text.Length > MaxQueryLength)
        {
            throw QueryException.Invalid(MaxQueryLength + 1, $"the query is {text.Length} characters long; the maximum is {MaxQueryLength}");
        }
    }
}
