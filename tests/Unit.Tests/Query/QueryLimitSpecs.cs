using System.Text.Json.Nodes;
using IotHubJobs.Query;
using IotHubJobs.Query.Ast;

namespace Unit.Tests.Query;

/// <summary>
/// The limits of <see cref="QueryLimits"/>: input just at a limit is parsed, compiled and evaluated; one step over it is
/// refused with a <see cref="QueryException"/> naming the position where the limit was crossed. Inputs that have no limit
/// of their own (chains of AND and OR, IN lists, long strings) are bounded by the query length and must not make the
/// tree, the SQL or its nesting grow faster than the text.
/// </summary>
public class QueryLimitSpecs
{
    private static readonly IReadOnlyList<JsonNode> Twins = FixtureFleet.Twins.Select(t => JsonNode.Parse(t)!).ToList();

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    /// <summary>Parses, compiles and evaluates a job condition, as jobs-api and the scheduler do.</summary>
    private static (Condition Condition, SqlFragment Sql) Accept(string condition)
    {
        var parsed = QueryParser.ParseCondition(condition, Collections.Devices);
        var sql = SqlCompiler.CompileCondition(parsed, Collections.Devices);
        _ = Twins.Count(t => Evaluator.Matches(parsed, t, Collections.Devices));
        return (parsed, sql);
    }

    private static QueryException Refuse(string condition) =>
        Assert.Throws<QueryException>(() => QueryParser.ParseCondition(condition, Collections.Devices));

    /// <summary>"tags" followed by <paramref name="more"/> segments named "a".</summary>
    private static string TagPath(int more) => "tags" + Repeat(".a", more);

    [Fact]
    public void A_property_path_may_have_32_segments()
    {
        var (condition, _) = Accept(TagPath(QueryLimits.MaxPathSegments - 1) + " = 1");

        var path = Assert.IsType<PropertyPath>(Assert.IsType<ComparisonCondition>(condition).Left);
        Assert.Equal(32, path.Segments.Count);
    }

    [Fact]
    public void A_property_path_of_33_segments_is_refused_at_its_33rd_segment()
    {
        var error = Refuse(TagPath(32) + " = 1");

        Assert.Equal("Invalid query at position 68: the property path at position 1 has more than 32 segments; no twin is that deep", error.Message);
    }

    [Fact]
    public void A_path_of_3000_segments_is_refused_by_the_parser_in_a_query_and_in_a_job_condition()
    {
        var path = TagPath(2999);

        var inQuery = Assert.Throws<QueryException>(() => QueryParser.Parse($"SELECT * FROM devices WHERE {path} = 1", Collections.Owners));
        var inSelect = Assert.Throws<QueryException>(() => QueryParser.Parse($"SELECT {path} FROM devices", Collections.Owners));
        var inCondition = Refuse(path + " = 1");

        Assert.Equal(28 + 68, inQuery.Position);
        Assert.Equal(7 + 68, inSelect.Position);
        Assert.Equal(68, inCondition.Position);
    }

    [Fact]
    public void A_device_job_path_may_have_32_segments_counting_the_collection_prefix()
    {
        var statement = QueryParser.Parse("SELECT * FROM devices.jobs WHERE devices.jobs.outcome" + Repeat(".a", 29) + " = 1", Collections.Owners);

        _ = SqlCompiler.Compile(statement);
        Assert.Throws<QueryException>(() => QueryParser.Parse("SELECT * FROM devices.jobs WHERE devices.jobs.outcome" + Repeat(".a", 30) + " = 1", Collections.Owners));
    }

    [Fact]
    public void Conditions_may_nest_32_parentheses()
    {
        var (condition, sql) = Accept(Repeat("(", 32) + "tags.floor = '3'" + Repeat(")", 32));

        Assert.IsType<ComparisonCondition>(condition);
        Assert.Equal("(tags @> $1::jsonb)", sql.WhereSql);
    }

    [Fact]
    public void The_33rd_nested_parenthesis_is_refused_where_it_opens()
    {
        var error = Refuse(Repeat("(", 33) + "tags.floor = '3'" + Repeat(")", 33));

        Assert.Equal("Invalid query at position 33: conditions may nest at most 32 parentheses and NOTs inside each other; this '(' is level 33", error.Message);
    }

    [Fact]
    public void Conditions_may_nest_32_NOTs()
    {
        var (condition, _) = Accept(Repeat("NOT ", 32) + "tags.floor = '3'");

        var depth = 0;
        for (var c = condition; c is NotCondition not; c = not.Operand) depth++;
        Assert.Equal(32, depth);
    }

    [Fact]
    public void The_33rd_NOT_is_refused_where_it_stands()
    {
        var error = Refuse(Repeat("NOT ", 33) + "tags.floor = '3'");

        Assert.Equal(1 + 32 * 4, error.Position);
        Assert.Contains("this 'NOT' is level 33", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parentheses_and_NOTs_count_together()
    {
        Accept(Repeat("NOT (", 16) + "tags.floor = '3'" + Repeat(")", 16));

        var error = Refuse(Repeat("NOT (", 17) + "tags.floor = '3'" + Repeat(")", 17));

        Assert.Equal(1 + 16 * 5, error.Position);
    }

    [Fact]
    public void Four_thousand_parentheses_are_refused_in_a_query_at_the_33rd()
    {
        var error = Assert.Throws<QueryException>(() =>
            QueryParser.Parse("SELECT * FROM devices WHERE " + Repeat("(", 4000) + "deviceId = 'x'" + Repeat(")", 4000), Collections.Owners));

        Assert.Equal(28 + 33, error.Position);
    }

    [Fact]
    public void Parentheses_closed_again_do_not_add_up()
    {
        var siblings = string.Join(" OR ", Enumerable.Repeat(Repeat("(", 32) + "tags.floor = '3'" + Repeat(")", 32), 10));

        Accept(siblings);
    }

    [Fact]
    public void A_chain_of_900_ORs_is_a_balanced_tree_with_its_terms_in_order()
    {
        var text = string.Join(" OR ", Enumerable.Range(0, 900).Select(i => $"a={i}"));
        Assert.True(text.Length <= QueryLimits.MaxQueryLength);

        var (condition, sql) = Accept(text);

        Assert.Equal(10, Depth(condition));
        Assert.Equal(Enumerable.Range(0, 900).Select(i => (decimal)i), Leaves(condition).Select(c => ((NumberLiteral)c.Right).Value));
        Assert.InRange(SqlNesting(sql.WhereSql), 1, 12);
    }

    [Fact]
    public void A_chain_of_ANDs_as_long_as_the_query_allows_is_a_balanced_tree()
    {
        var text = string.Join(" AND ", Enumerable.Repeat("a<1", 1024));
        Assert.InRange(text.Length, QueryLimits.MaxQueryLength - 8, QueryLimits.MaxQueryLength);

        var (condition, sql) = Accept(text);

        Assert.Equal(10, Depth(condition));
        Assert.Equal(1024, Leaves(condition).Count);
        Assert.InRange(SqlNesting(sql.WhereSql), 1, 16);
    }

    [Fact]
    public void An_IN_list_as_long_as_the_query_allows_is_one_array_parameter_on_a_twin_path()
    {
        var (_, sql) = Accept("tags.floor IN [" + Repeat("1,", 4000) + "3]");

        Assert.Equal("(tags @> ANY($1::jsonb[]))", sql.WhereSql);
        Assert.Equal(["""{"floor":1}""", """{"floor":3}"""], Assert.IsType<string[]>(sql.Parameters[0]));
    }

    [Fact]
    public void A_NIN_list_as_long_as_the_query_allows_is_one_array_comparison()
    {
        var (_, sql) = Accept("tags.floor NIN [" + string.Join(",", Enumerable.Range(0, 1500)) + "]");

        Assert.Equal("((jsonb_typeof((tags #> $1::text[])) = 'number' AND (tags #> $1::text[]) <> ALL($2::jsonb[])))", sql.WhereSql);
        Assert.Equal(1500, Assert.IsType<string[]>(sql.Parameters[1]).Length);
    }

    [Fact]
    public void A_string_literal_as_long_as_the_query_allows_is_one_parameter()
    {
        var text = "tags.floor = '" + new string('x', QueryLimits.MaxQueryLength - 15) + "'";
        Assert.Equal(QueryLimits.MaxQueryLength, text.Length);

        var (_, sql) = Accept(text);

        Assert.Single(sql.Parameters);
        Assert.Equal("(tags @> $1::jsonb)", sql.WhereSql);
    }

    [Fact]
    public void A_query_of_8192_characters_is_accepted_and_one_more_character_is_refused()
    {
        var padded = "SELECT * FROM devices WHERE tags.floor = '3'";
        padded += new string(' ', QueryLimits.MaxQueryLength - padded.Length);

        _ = SqlCompiler.Compile(QueryParser.Parse(padded, Collections.Owners));
        var error = Assert.Throws<QueryException>(() => QueryParser.Parse(padded + " ", Collections.Owners));

        Assert.Equal("Invalid query at position 8193: the query is 8193 characters long; the maximum is 8192", error.Message);
    }

    [Fact]
    public void A_select_list_of_300_properties_concatenates_as_a_balanced_tree()
    {
        var select = string.Join(", ", Enumerable.Range(0, 300).Select(i => $"tags.floor AS f{i}"));

        var statement = QueryParser.Parse($"SELECT {select} FROM devices WHERE deviceId = 'dev-01'", Collections.Owners);
        var query = SqlCompiler.Compile(statement);

        Assert.InRange(SqlNesting(query.Sql), 1, 14);
        var item = Assert.Single(Evaluator.Run(statement, Twins));
        Assert.Equal(300, item.AsObject().Count);
    }

    private static int Depth(Condition condition) => condition switch
    {
        AndCondition and => 1 + Math.Max(Depth(and.Left), Depth(and.Right)),
        OrCondition or => 1 + Math.Max(Depth(or.Left), Depth(or.Right)),
        NotCondition not => 1 + Depth(not.Operand),
        _ => 0,
    };

    private static List<ComparisonCondition> Leaves(Condition condition) => condition switch
    {
        AndCondition and => [.. Leaves(and.Left), .. Leaves(and.Right)],
        OrCondition or => [.. Leaves(or.Left), .. Leaves(or.Right)],
        NotCondition not => Leaves(not.Operand),
        ComparisonCondition comparison => [comparison],
        _ => [],
    };

    /// <summary>The deepest parenthesis nesting of generated SQL (its string constants hold no parentheses).</summary>
    private static int SqlNesting(string sql)
    {
        int depth = 0, deepest = 0;
        foreach (var c in sql)
        {
            if (c == '(') deepest = Math.Max(deepest, ++depth);
            else if (c == ')') depth--;
        }

        return deepest;
    }
}
