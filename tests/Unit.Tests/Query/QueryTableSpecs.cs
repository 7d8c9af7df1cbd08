using System.Text.Json.Nodes;
using IotHubJobs.Query;

namespace Unit.Tests.Query;

public class QueryTableSpecs
{
    public static IEnumerable<object[]> ConditionRows => QueryCases.Conditions.Select(c => new object[] { c.Condition, c.ExpectedDeviceIds });

    public static IEnumerable<object[]> StatementRows => QueryCases.Statements.Select(c => new object[] { c.Query, c.ExpectedItemsJson });

    public static IEnumerable<object[]> InvalidConditionRows => QueryCases.InvalidConditions.Select(c => new object[] { c.Text, c.ExpectedMessage });

    public static IEnumerable<object[]> InvalidQueryRows => QueryCases.InvalidQueries.Select(c => new object[] { c.Text, c.ExpectedMessage });

    private static readonly IReadOnlyList<JsonNode> Twins = FixtureFleet.Twins.Select(t => JsonNode.Parse(t)!).ToList();

    private static readonly IReadOnlyList<JsonNode> DeviceJobs = FixtureFleet.DeviceJobs.Select(t => JsonNode.Parse(t)!).ToList();

    [Fact]
    public void The_table_is_large_enough_to_mean_something()
    {
        Assert.True(QueryCases.Conditions.Count >= 60);
        Assert.Equal(12, FixtureFleet.Twins.Count);
        Assert.Equal(FixtureFleet.AllDeviceIds, Twins.Select(t => (string)t["deviceId"]!));
    }

    [Theory]
    [MemberData(nameof(ConditionRows))]
    public void Condition_selects_exactly_the_expected_devices(string condition, string[] expectedIds)
    {
        var parsed = QueryParser.ParseCondition(condition, Collections.Devices);

        var actual = Twins.Where(t => Evaluator.Matches(parsed, t, Collections.Devices)).Select(t => (string)t["deviceId"]!);

        Assert.Equal(expectedIds.Order(StringComparer.Ordinal), actual.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ConditionRows))]
    public void Condition_compiles_to_sql_that_only_references_parameters(string condition, string[] expectedIds)
    {
        _ = expectedIds;
        var fragment = SqlCompiler.CompileCondition(QueryParser.ParseCondition(condition, Collections.Devices), Collections.Devices);

        SqlSafety.AssertOnlyTrustedText(fragment.WhereSql, fragment.Parameters, fragment.FirstParameterIndex);
    }

    [Theory]
    [MemberData(nameof(StatementRows))]
    public void Statement_returns_exactly_the_expected_items(string query, string expectedItemsJson)
    {
        var statement = QueryParser.Parse(query, Collections.Owners);
        var jobs = statement.From == Collections.DeviceJobs;

        var items = Evaluator.Run(statement, jobs ? DeviceJobs : Twins);

        var expected = JsonNode.Parse(expectedItemsJson)!.AsArray();
        var actual = jobs
            ? new JsonArray(items.Select(i => (JsonNode)new JsonObject { ["jobId"] = i["jobId"]!.DeepClone(), ["deviceId"] = i["deviceId"]!.DeepClone() }).ToArray())
            : new JsonArray(items.Select(i => i.DeepClone()).ToArray());
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected.ToJsonString()}\nactual   {actual.ToJsonString()}");
    }

    [Theory]
    [MemberData(nameof(StatementRows))]
    public void Statement_compiles_to_sql_that_only_references_parameters(string query, string expectedItemsJson)
    {
        _ = expectedItemsJson;
        var page = SqlCompiler.Compile(QueryParser.Parse(query, Collections.Owners)).PageSql(100);

        SqlSafety.AssertOnlyTrustedText(page.Sql, page.Parameters, 1);
    }

    [Theory]
    [MemberData(nameof(InvalidConditionRows))]
    public void Invalid_condition_is_rejected_with_its_position(string condition, string expectedMessage)
    {
        var error = Assert.Throws<QueryException>(() => QueryParser.ParseCondition(condition, Collections.Devices));

        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(InvalidQueryRows))]
    public void Invalid_query_is_rejected_with_its_position(string query, string expectedMessage)
    {
        var error = Assert.Throws<QueryException>(() => QueryParser.Parse(query, Collections.Owners));

        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }
}
