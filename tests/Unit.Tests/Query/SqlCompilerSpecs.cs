using IotHubJobs.Query;

namespace Unit.Tests.Query;

public class SqlCompilerSpecs
{
    private static SqlFragment Condition(string condition, int firstParameterIndex = 1) =>
        SqlCompiler.CompileCondition(QueryParser.ParseCondition(condition, Collections.Devices), Collections.Devices, firstParameterIndex);

    [Fact]
    public void Tag_equality_is_a_gin_indexable_containment_built_from_the_path()
    {
        var fragment = Condition("tags.building = '43'");

        Assert.Equal("(tags @> $1::jsonb)", fragment.WhereSql);
        Assert.Equal(["""{"building":"43"}"""], fragment.Parameters);
    }

    [Fact]
    public void Numeric_equality_containment_keeps_the_number_a_number()
    {
        var fragment = Condition("tags.temperature = 21.5");

        Assert.Equal(["""{"temperature":21.5}"""], fragment.Parameters);
    }

    [Fact]
    public void Property_equality_compares_the_value_at_its_path_in_the_twin_which_no_index_holds()
    {
        var fragment = Condition("properties.reported.temperature = 21.5");

        Assert.Equal("((twin #> $1::text[]) = $2::jsonb)", fragment.WhereSql);
        Assert.Equal(new[] { "properties", "reported", "temperature" }, Assert.IsType<string[]>(fragment.Parameters[0]));
        Assert.Equal("21.5", fragment.Parameters[1]);
    }

    [Fact]
    public void Device_id_equality_uses_the_indexed_column()
    {
        var fragment = Condition("DeviceId = 'dev-01'");

        Assert.Equal("(device_id = $1::text)", fragment.WhereSql);
        Assert.Equal(["dev-01"], fragment.Parameters);
    }

    [Fact]
    public void Device_id_in_list_is_one_array_parameter()
    {
        var fragment = Condition("deviceId IN ['a', 'b']");

        Assert.Equal("(device_id = ANY($1::text[]))", fragment.WhereSql);
        Assert.Equal(new[] { "a", "b" }, Assert.IsType<string[]>(fragment.Parameters[0]));
    }

    [Fact]
    public void Numeric_range_casts_only_inside_a_case_guarded_by_the_json_type()
    {
        var fragment = Condition("properties.reported.temperature > 20");

        Assert.Equal(
            "((CASE WHEN jsonb_typeof((twin #> $1::text[])) = 'number' THEN (twin #> $1::text[])::numeric > $2::numeric END))",
            fragment.WhereSql);
        Assert.Equal(new[] { "properties", "reported", "temperature" }, Assert.IsType<string[]>(fragment.Parameters[0]));
        Assert.Equal(20m, fragment.Parameters[1]);
    }

    [Fact]
    public void String_range_compares_bytewise_with_the_C_collation()
    {
        var fragment = Condition("tags.floor >= '2'");

        Assert.Equal("((jsonb_typeof((tags #> $1::text[])) = 'string' AND (tags #>> $1::text[]) COLLATE \"C\" >= $2::text))", fragment.WhereSql);
    }

    [Fact]
    public void Not_is_pushed_down_to_the_leaves_so_undefined_stays_unmatched()
    {
        var fragment = Condition("NOT (tags.building = '43' OR tags.floor = 3)");

        Assert.DoesNotContain("NOT", fragment.WhereSql);
        Assert.Contains(" AND ", fragment.WhereSql);
        Assert.Contains("<> $", fragment.WhereSql);
    }

    [Fact]
    public void Star_condition_is_true()
    {
        Assert.Equal("(TRUE)", Condition("*").WhereSql);
        Assert.Empty(Condition("*").Parameters);
    }

    [Fact]
    public void Placeholders_start_where_the_caller_says_so_it_can_add_its_own()
    {
        var fragment = Condition("tags.building = '43' AND deviceId > 'a'", firstParameterIndex: 3);

        Assert.Contains("$3::jsonb", fragment.WhereSql);
        Assert.Contains("$4::text", fragment.WhereSql);
        Assert.DoesNotContain("$1", fragment.WhereSql);
        Assert.Equal(5, fragment.NextParameterIndex);
    }

    [Fact]
    public void Device_job_fields_compare_their_typed_columns()
    {
        var statement = QueryParser.Parse("SELECT * FROM devices.jobs WHERE devices.jobs.jobId = 'j1' AND devices.jobs.createdTimeUtc > '2016-09-01'", Collections.Owners);

        var query = SqlCompiler.Compile(statement);

        Assert.Contains("WHERE (job_id = $", query.Sql);
        Assert.Contains("created_utc > $", query.Sql);
        Assert.Contains("::timestamptz", query.Sql);
        Assert.Contains("2016-09-01T00:00:00.000000Z", query.Parameters);
        Assert.EndsWith("ORDER BY job_id, device_id", query.Sql);
    }

    [Fact]
    public void A_date_field_compared_with_something_that_is_not_a_date_is_rejected()
    {
        var statement = QueryParser.Parse("SELECT * FROM devices.jobs WHERE startTimeUtc > 'yesterday'", Collections.Owners);

        var error = Assert.Throws<QueryException>(() => SqlCompiler.Compile(statement));
        Assert.Equal("Invalid query at position 49: 'yesterday' is not a date; write dates like '2016-09-01' or '2016-09-01T10:00:00Z'", error.Message);
    }

    [Fact]
    public void Twin_conditions_cannot_be_compiled_against_device_jobs()
    {
        var condition = QueryParser.ParseCondition("tags.building = '43'", Collections.Devices);

        var error = Assert.Throws<QueryException>(() => SqlCompiler.CompileCondition(condition, Collections.DeviceJobs));
        Assert.Contains("devices.jobs has no property 'tags.building'", error.Message);
    }

    [Theory]
    [InlineData("SELECT * FROM devices", QueryItemKind.Twin)]
    [InlineData("SELECT * FROM devices.jobs", QueryItemKind.DeviceJob)]
    [InlineData("SELECT deviceId FROM devices", QueryItemKind.Raw)]
    [InlineData("SELECT COUNT() AS n FROM devices", QueryItemKind.Raw)]
    public void Item_kind_follows_the_select_and_collection(string query, QueryItemKind expected)
    {
        Assert.Equal(expected, SqlCompiler.Compile(QueryParser.Parse(query, Collections.Owners)).ItemKind);
    }

    [Fact]
    public void Select_all_device_jobs_builds_the_documented_record()
    {
        var sql = SqlCompiler.Compile(QueryParser.Parse("SELECT * FROM devices.jobs", Collections.Owners)).Sql;

        foreach (var key in new[] { "deviceId", "jobId", "jobType", "status", "startTimeUtc", "endTimeUtc", "createdDateTimeUtc", "lastUpdatedDateTimeUtc", "outcome", "error" })
        {
            Assert.Contains($"'{key}', ", sql);
        }

        Assert.Contains("coalesce(outcome, '{\"deviceMethodResponse\":null}'::jsonb)", sql);
        Assert.StartsWith("SELECT jsonb_build_object(", sql);
        Assert.Contains("AS item FROM dispatch.device_jobs WHERE TRUE", sql);
    }

    [Fact]
    public void Group_by_and_select_share_one_placeholder_so_postgres_sees_the_same_expression()
    {
        var query = SqlCompiler.Compile(QueryParser.Parse("SELECT COUNT() AS numberOfDevices, tags.floor FROM devices GROUP BY tags.floor", Collections.Owners));

        Assert.Equal(
            "SELECT ('{}'::jsonb || (jsonb_build_object($1::text, count(*)) || (CASE WHEN (tags #> $2::text[]) IS NULL THEN '{}'::jsonb ELSE jsonb_build_object($3::text, (tags #> $2::text[])) END))) AS item FROM registry.devices WHERE TRUE GROUP BY (tags #> $2::text[]) ORDER BY (tags #> $2::text[])",
            query.Sql);
        Assert.Equal("numberOfDevices", query.Parameters[0]);
        Assert.Equal("floor", query.Parameters[2]);
    }

    [Fact]
    public void Quote_injection_in_a_string_literal_stays_a_parameter()
    {
        var fragment = Condition("tags.x = 'a''; drop table registry.devices; --'");

        AssertSqlHasNone(fragment.WhereSql, "drop", "registry", ";", "--", "a'");
        Assert.Equal(["""{"x":"a\u0027; drop table registry.devices; --"}"""], fragment.Parameters);
        SqlSafety.AssertOnlyTrustedText(fragment.WhereSql, fragment.Parameters, 1);
    }

    [Fact]
    public void Backslash_quote_injection_in_an_in_list_stays_a_parameter()
    {
        var fragment = Condition("deviceId IN ['x\\'); delete from t; --']");

        AssertSqlHasNone(fragment.WhereSql, "delete", "x'", ");", "--");
        Assert.Equal(new[] { "x'); delete from t; --" }, Assert.IsType<string[]>(fragment.Parameters[0]));
    }

    [Fact]
    public void Weird_path_segments_stay_parameters()
    {
        var fragment = Condition("tags.[[a'b]] > 1 OR tags.[[x\"); drop]] = 'v'");

        AssertSqlHasNone(fragment.WhereSql, "a'b", "drop", "x\"");
        Assert.Equal(new[] { "a'b" }, Assert.IsType<string[]>(fragment.Parameters[0]));
        Assert.Contains("""{"x\u0022); drop":"v"}""", fragment.Parameters.OfType<string>());
        SqlSafety.AssertOnlyTrustedText(fragment.WhereSql, fragment.Parameters, 1);
    }

    [Fact]
    public void Alias_names_and_function_arguments_stay_parameters()
    {
        var query = SqlCompiler.Compile(QueryParser.Parse(
            "SELECT tags.x AS [[n'); drop table t; --]] FROM devices WHERE STARTSWITH(tags.y, 'p''; --') AND ENDSWITH(deviceId, '\\'x')", Collections.Owners));
        var page = query.PageSql(10);

        AssertSqlHasNone(page.Sql, "drop", "n'", "p'", "'x'", ";", "--");
        Assert.Contains("n'); drop table t; --", page.Parameters);
        Assert.Contains("p'; --", page.Parameters);
        Assert.Contains("'x", page.Parameters);
        SqlSafety.AssertOnlyTrustedText(page.Sql, page.Parameters, 1);
    }

    [Fact]
    public void Top_count_reaches_sql_only_as_a_parameter()
    {
        var page = SqlCompiler.Compile(QueryParser.Parse("SELECT TOP 7 * FROM devices", Collections.Owners)).PageSql(100);

        Assert.EndsWith("LIMIT $1::bigint OFFSET $2::bigint", page.Sql);
        Assert.Equal(new object?[] { 7L, 0L }, page.Parameters);
    }

    private static void AssertSqlHasNone(string sql, params string[] fragments)
    {
        foreach (var fragment in fragments)
        {
            Assert.DoesNotContain(fragment, sql, StringComparison.OrdinalIgnoreCase);
        }
    }
}
