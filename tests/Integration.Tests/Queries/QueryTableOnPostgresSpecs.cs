using JobsApi.Queries;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using IotHubJobs.Query;
using Npgsql;
using Unit.Tests.Query;

namespace Integration.Tests.Queries;

/// <summary>
/// Replays the IotHubQuery query table on PostgreSQL: for every valid condition and statement, the compiled SQL must
/// return exactly what the in-memory evaluator (the reference semantics) returns over the same fixture fleet.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class QueryTableOnPostgresSpecs(SystemUnderTest system)
{
    /// <summary>One page is then the whole result (TOP still applies).</summary>
    private const int MoreRowsThanTheFixtureHolds = 1000;

    public static IEnumerable<object[]> Conditions => QueryCases.Conditions.Select(c => new object[] { c.Condition });

    public static IEnumerable<object[]> Statements => QueryCases.Statements.Select(c => new object[] { c.Query });

    private static readonly IReadOnlyList<JsonNode> Twins = FixtureFleet.Twins.Select(t => JsonNode.Parse(t)!).ToList();

    private static readonly IReadOnlyList<JsonNode> DeviceJobs = FixtureFleet.DeviceJobs.Select(t => JsonNode.Parse(t)!).ToList();

    [Theory]
    [MemberData(nameof(Conditions))]
    public async Task Compiled_condition_selects_on_PostgreSQL_exactly_the_devices_the_evaluator_selects(string condition)
    {
        var parsed = QueryParser.ParseCondition(condition, QueryCollectionsOf.Owners.Devices);
        var fragment = SqlCompiler.CompileCondition(parsed, QueryCollectionsOf.Owners.Devices);
        var database = await FixtureFleetDatabase.GetAsync(system);

        await using var cmd = database.CreateCommand($"select device_id from registry.devices where {fragment.WhereSql}");
        foreach (var value in fragment.Parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        var fromSql = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) fromSql.Add(reader.GetString(0));

        var fromEvaluator = Twins.Where(t => Evaluator.Matches(parsed, t, QueryCollectionsOf.Owners.Devices)).Select(t => (string)t["deviceId"]!);
        var expected = QueryCases.Conditions.First(c => c.Condition == condition).ExpectedDeviceIds;
        Assert.Equal(fromEvaluator.Order(StringComparer.Ordinal), fromSql.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Order(StringComparer.Ordinal), fromSql.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Statements))]
    public async Task Compiled_statement_returns_on_PostgreSQL_exactly_the_evaluator_items_in_the_same_order(string query)
    {
        var statement = QueryParser.Parse(query, QueryCollectionsOf.Owners);
        var page = SqlCompiler.Compile(statement).PageSql(MoreRowsThanTheFixtureHolds);
        var database = await FixtureFleetDatabase.GetAsync(system);

        await using var cmd = database.CreateCommand(page.Sql);
        foreach (var value in page.Parameters) cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        var fromSql = new JsonArray();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) fromSql.Add(JsonNode.Parse(reader.GetString(0)));

        var fromEvaluator = new JsonArray(Evaluator.Run(statement, statement.From == QueryCollectionsOf.Owners.DeviceJobs ? DeviceJobs : Twins)
            .Select(i => (JsonNode?)i.DeepClone()).ToArray());
        Assert.True(JsonNode.DeepEquals(fromEvaluator, fromSql),
            $"evaluator {fromEvaluator.ToJsonString()}\npostgres  {fromSql.ToJsonString()}");
    }

    [Fact]
    public void The_replayed_table_is_the_full_one()
    {
        Assert.True(QueryCases.Conditions.Count >= 60);
        Assert.Contains(QueryCases.Statements, s => s.Query.Contains("devices.jobs", StringComparison.Ordinal));
    }
}
