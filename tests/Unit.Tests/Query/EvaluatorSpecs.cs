using System.Text.Json.Nodes;
using IotHubJobs.Query;

namespace Unit.Tests.Query;

public class EvaluatorSpecs
{
    private static readonly JsonNode Twin = JsonNode.Parse("""
        {"deviceId":"d1","tags":{"name":"a","count":1,"flag":true,"nothing":null,"obj":{"k":"v"},"emoji":"😀","private":"\uE000"}}
        """)!;

    private static bool? Evaluate(string condition) =>
        Evaluator.Evaluate(QueryParser.ParseCondition(condition, Collections.Devices), Twin, Collections.Devices);

    [Theory]
    [InlineData("tags.missing = 'a'")]
    [InlineData("tags.missing != 'a'")]
    [InlineData("tags.missing < 1")]
    [InlineData("tags.missing IN ['a']")]
    [InlineData("tags.missing NIN ['a']")]
    public void Missing_property_never_equals_anything(string condition)
    {
        Assert.Null(Evaluate(condition));
        Assert.False(Evaluator.Matches(QueryParser.ParseCondition(condition, Collections.Devices), Twin, Collections.Devices));
    }

    [Fact]
    public void Not_of_a_comparison_with_a_missing_property_stays_undefined()
    {
        Assert.Null(Evaluate("NOT (tags.missing = 'a')"));
    }

    [Theory]
    [InlineData("tags.name = 1")]
    [InlineData("tags.count = '1'")]
    [InlineData("tags.flag = 'true'")]
    [InlineData("tags.name != null")]
    [InlineData("tags.obj = 'v'")]
    [InlineData("tags.nothing < 1")]
    public void Values_of_different_kinds_do_not_compare(string condition)
    {
        Assert.Null(Evaluate(condition));
    }

    [Fact]
    public void Numbers_compare_by_value_not_by_spelling()
    {
        Assert.True(Evaluate("tags.count = 1.000"));
        Assert.True(Evaluate("tags.count = 0x1"));
        Assert.True(Evaluate("tags.count = 1e0"));
    }

    [Fact]
    public void Strings_compare_by_code_point_like_the_postgres_C_collation()
    {
        // UTF-16 ordinal order would put U+E000 after the emoji's surrogate pair.
        Assert.True(Evaluate("tags.emoji > tags.private"));
    }

    [Fact]
    public void Is_defined_is_true_for_a_null_value()
    {
        Assert.True(Evaluate("IS_DEFINED(tags.nothing)"));
        Assert.True(Evaluate("tags.nothing = null"));
        Assert.False(Evaluate("IS_DEFINED(tags.missing)"));
    }

    [Fact]
    public void Type_checks_are_false_rather_than_undefined_for_missing_properties()
    {
        Assert.False(Evaluate("IS_NULL(tags.missing)"));
        Assert.True(Evaluate("NOT IS_STRING(tags.missing)"));
    }

    [Fact]
    public void Startswith_of_a_non_string_is_undefined()
    {
        Assert.Null(Evaluate("STARTSWITH(tags.count, '1')"));
        Assert.True(Evaluate("STARTSWITH(tags.name, '')"));
    }

    [Theory]
    [InlineData("tags.missing = 1 OR true", true)]
    [InlineData("tags.missing = 1 AND false", false)]
    [InlineData("NOT (tags.missing = 1 AND false)", true)]
    [InlineData("tags.missing = 1 AND true", null)]
    [InlineData("tags.missing = 1 OR false", null)]
    public void And_or_follow_three_valued_logic(string condition, bool? expected)
    {
        Assert.Equal(expected, Evaluate(condition));
    }

    [Fact]
    public void Run_orders_by_device_id_and_applies_top()
    {
        var twins = new[] { "b", "C", "a" }.Select(id => JsonNode.Parse($$"""{"deviceId":"{{id}}"}""")!).ToList();

        var items = Evaluator.Run(QueryParser.Parse("SELECT TOP 2 * FROM devices", Collections.Owners), twins);

        Assert.Equal(["C", "a"], items.Select(i => (string)i["deviceId"]!));
    }

    [Fact]
    public void Projection_leaves_out_missing_properties_and_keeps_nulls()
    {
        var item = Assert.Single(Evaluator.Run(QueryParser.Parse("SELECT tags.missing, tags.nothing AS n, DeviceId FROM devices", Collections.Owners), [Twin]));

        Assert.Equal("""{"n":null,"deviceId":"d1"}""", item.ToJsonString());
    }

    [Fact]
    public void Device_job_dates_compare_chronologically_not_as_text()
    {
        var job = JsonNode.Parse("""{"jobId":"j","deviceId":"d","createdDateTimeUtc":"2024-05-01T10:00:00.0000000Z"}""")!;
        var condition = QueryParser.ParseCondition("createdTimeUtc > '2024-05-01T11:00:00+02:00'", Collections.DeviceJobs);

        Assert.True(Evaluator.Matches(condition, job, Collections.DeviceJobs));
    }

    [Fact]
    public void Twins_built_in_code_and_out_of_range_numbers_evaluate_without_crashing()
    {
        var twin = new JsonObject
        {
            ["deviceId"] = "d",
            ["tags"] = new JsonObject { ["when"] = JsonValue.Create(new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc)), ["big"] = JsonNode.Parse("1e400"), ["n"] = 5 },
        };

        Assert.True(Evaluator.Matches(QueryParser.ParseCondition("STARTSWITH(tags.when, '2024-01-02')", Collections.Devices), twin, Collections.Devices));
        Assert.True(Evaluator.Matches(QueryParser.ParseCondition("tags.big > 1e20", Collections.Devices), twin, Collections.Devices));
        Assert.True(Evaluator.Matches(QueryParser.ParseCondition("tags.n = 5", Collections.Devices), twin, Collections.Devices));
    }
}
