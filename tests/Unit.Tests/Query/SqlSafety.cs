using System.Text.RegularExpressions;

namespace Unit.Tests.Query;

/// <summary>Checks that generated SQL holds no text from the query: only trusted constants and cast placeholders.</summary>
internal static partial class SqlSafety
{
    private static readonly HashSet<string> TrustedStringConstants =
    [
        "'string'", "'number'", "'boolean'", "'null'", "'{}'", "'UTC'", "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"0Z\"'",
        "'{\"deviceMethodResponse\":null}'", "'deviceId'", "'jobId'", "'jobType'", "'status'", "'startTimeUtc'",
        "'endTimeUtc'", "'createdDateTimeUtc'", "'lastUpdatedDateTimeUtc'", "'outcome'", "'error'", "'attempts'", "'lastError'",
    ];

    private static readonly HashSet<string> AllowedCasts = ["text", "numeric", "jsonb", "text[]", "jsonb[]", "boolean", "bigint", "timestamptz"];

    public static void AssertOnlyTrustedText(string sql, IReadOnlyList<object?> parameters, int firstParameterIndex)
    {
        foreach (Match literal in StringConstant().Matches(sql))
        {
            Assert.Contains(literal.Value, TrustedStringConstants);
        }

        var placeholders = Placeholder().Matches(sql).ToList();
        foreach (Match placeholder in placeholders)
        {
            Assert.Contains(placeholder.Groups["cast"].Value, AllowedCasts);
            var index = int.Parse(placeholder.Groups["n"].Value);
            Assert.InRange(index, firstParameterIndex, firstParameterIndex + parameters.Count - 1);
        }

        var referenced = placeholders.Select(p => int.Parse(p.Groups["n"].Value)).ToHashSet();
        Assert.Equal(Enumerable.Range(firstParameterIndex, parameters.Count), referenced.Order());
        Assert.DoesNotMatch(BarePlaceholder(), sql);
        Assert.DoesNotContain(";", sql);
        Assert.DoesNotContain("--", sql);
        Assert.All(parameters, p => Assert.True(p is string or decimal or long or bool or string[], $"parameter type {p?.GetType()}"));
    }

    [GeneratedRegex("'(?:[^']|'')*'")]
    private static partial Regex StringConstant();

    [GeneratedRegex(@"\$(?<n>\d+)::(?<cast>[a-z]+(?:\[\])?)")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\$\d+(?!\d|::)")]
    private static partial Regex BarePlaceholder();
}
