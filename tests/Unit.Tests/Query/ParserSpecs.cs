using IotHubJobs.Query;
using IotHubJobs.Query.Ast;

namespace Unit.Tests.Query;

public class ParserSpecs
{
    private static ComparisonCondition Comparison(string condition, QuerySource? source = null) =>
        Assert.IsType<ComparisonCondition>(QueryParser.ParseCondition(condition, source ?? Collections.Devices));

    private static PropertyPath LeftPath(string condition, QuerySource? source = null) =>
        Assert.IsType<PropertyPath>(Comparison(condition, source).Left);

    [Theory]
    [InlineData("DEVICEID = 'x'", "deviceId")]
    [InlineData("connectionstate = 'x'", "connectionState")]
    [InlineData("LastActivityTime = 'x'", "lastActivityTime")]
    [InlineData("Capabilities.IotEdge = true", "capabilities.iotEdge")]
    [InlineData("Properties.Reported.Temp = 1", "properties.reported.Temp")]
    [InlineData("tags.Building = '1'", "tags.Building")]
    [InlineData("properties.reported.$metadata.$lastUpdated = 'x'", "properties.reported.$metadata.$lastUpdated")]
    public void System_names_are_canonicalised_while_tag_and_property_names_keep_their_case(string condition, string expectedPath)
    {
        Assert.Equal(expectedPath, string.Join('.', LeftPath(condition).Segments));
    }

    [Theory]
    [InlineData("devices.jobs.jobId = 'j'", "jobId")]
    [InlineData("JOBID = 'j'", "jobId")]
    [InlineData("devices.jobs.createdTimeUtc > '2016-09-01'", "createdDateTimeUtc")]
    [InlineData("outcome.deviceMethodResponse.status = 200", "outcome.deviceMethodResponse.status")]
    public void Device_job_paths_drop_the_collection_prefix_and_use_the_record_names(string condition, string expectedPath)
    {
        Assert.Equal(expectedPath, string.Join('.', LeftPath(condition, Collections.DeviceJobs).Segments));
    }

    [Fact]
    public void Bracket_quoting_allows_reserved_words_and_punctuation_in_names()
    {
        Assert.Equal(["tags", "group", "name"], LeftPath("tags.[[group]].name = 'x'").Segments);
        Assert.Equal(["tags", "a.b c'd"], LeftPath("tags.[[a.b c'd]] = 'x'").Segments);
    }

    [Theory]
    [InlineData("tags.x = 'it\\'s'", "it's")]
    [InlineData("tags.x = \"say \\\"hi\\\"\"", "say \"hi\"")]
    [InlineData("tags.x = 'back\\\\slash'", "back\\slash")]
    [InlineData("tags.x = '\\u0041\\u00e9'", "Aé")]
    [InlineData("tags.x = 'it''s'", "it's")]
    [InlineData("tags.x = \"it's\"", "it's")]
    public void String_literals_decode_their_escapes(string condition, string expected)
    {
        Assert.Equal(expected, Assert.IsType<StringLiteral>(Comparison(condition).Right).Value);
    }

    [Theory]
    [InlineData("tags.x = 42", "42")]
    [InlineData("tags.x = -42", "-42")]
    [InlineData("tags.x = 0.5", "0.5")]
    [InlineData("tags.x = 1.5e3", "1500")]
    [InlineData("tags.x = 25E-1", "2.5")]
    [InlineData("tags.x = 0xFF", "255")]
    [InlineData("tags.x = - 3", "-3")]
    public void Number_literals_accept_decimal_negative_fraction_exponent_and_hex(string condition, string expected)
    {
        Assert.Equal(decimal.Parse(expected), Assert.IsType<NumberLiteral>(Comparison(condition).Right).Value);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("  *  ")]
    public void Star_means_all_devices(string condition)
    {
        Assert.Same(ConstantCondition.True, QueryParser.ParseCondition(condition, Collections.Devices));
    }

    [Fact]
    public void Keywords_are_case_insensitive()
    {
        var statement = QueryParser.Parse("select top 3 DeviceId as id from DEVICES where tags.a = 1 Or Not tags.b = 2 group by deviceId", Collections.Owners);

        Assert.Equal(3, statement.Top);
        Assert.Same(Collections.Devices, statement.From);
        Assert.IsType<OrCondition>(statement.Where);
        Assert.Equal("id", statement.Select[0].Name);
    }

    [Fact]
    public void Literal_on_the_left_is_kept_for_the_compiler_to_mirror()
    {
        var comparison = Comparison("3 < tags.x");

        Assert.IsType<NumberLiteral>(comparison.Left);
        Assert.Equal(ComparisonOperator.Less, comparison.Operator);
    }

    [Fact]
    public void Projections_are_named_by_their_last_segment_unless_aliased()
    {
        var statement = QueryParser.Parse("SELECT tags.location.region, tags.floor AS f, COUNT() AS n, MAX(tags.p) FROM devices GROUP BY tags.location.region, tags.floor", Collections.Owners);

        Assert.Equal(["region", "f", "n", "$1"], statement.Select.Select(s => s.Name));
    }

    [Fact]
    public void A_query_of_exactly_the_maximum_length_is_accepted()
    {
        var prefix = "tags.x = '";
        var condition = prefix + new string('a', QueryParser.MaxQueryLength - prefix.Length - 1) + "'";

        Assert.Equal(QueryParser.MaxQueryLength, condition.Length);
        Assert.IsType<ComparisonCondition>(QueryParser.ParseCondition(condition, Collections.Devices));
    }

    [Fact]
    public void Null_text_is_an_empty_query_not_a_crash()
    {
        Assert.Throws<QueryException>(() => QueryParser.Parse(null!, Collections.Owners));
        Assert.Throws<QueryException>(() => QueryParser.ParseCondition(null!, Collections.Devices));
    }

    [Fact]
    public void Error_position_is_one_based_and_exposed()
    {
        var error = Assert.Throws<QueryException>(() => QueryParser.ParseCondition("tags.building = AND tags.floor = '3'", Collections.Devices));

        Assert.Equal(17, error.Position);
        Assert.Equal("expected a value after '=' but found 'AND'", error.Problem);
    }
}
