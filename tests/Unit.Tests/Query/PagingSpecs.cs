using IotHubJobs.Query;

namespace Unit.Tests.Query;

public class PagingSpecs
{
    private static CompiledQuery Compile(string query) => SqlCompiler.Compile(QueryParser.Parse(query, Collections.Owners));

    [Fact]
    public void A_page_fetches_one_extra_row_to_learn_whether_another_page_exists()
    {
        var page = Compile("SELECT * FROM devices WHERE tags.building = '43'").PageSql(10);

        Assert.Equal(new object?[] { 11L, 0L }, page.Parameters.TakeLast(2));
        Assert.EndsWith("ORDER BY device_id LIMIT $2::bigint OFFSET $3::bigint", page.Sql);
    }

    [Fact]
    public void The_extra_row_yields_a_continuation_for_the_next_offset()
    {
        var query = Compile("SELECT * FROM devices");

        var next = query.NextContinuation(10, new QueryContinuation(20), rowsFetched: 11);

        Assert.Equal(new QueryContinuation(30), next);
        Assert.Equal(new object?[] { 11L, 30L }, query.PageSql(10, next).Parameters.TakeLast(2));
    }

    [Fact]
    public void The_last_page_has_no_continuation()
    {
        Assert.Null(Compile("SELECT * FROM devices").NextContinuation(10, null, rowsFetched: 10));
    }

    [Fact]
    public void Top_caps_the_total_across_pages()
    {
        var query = Compile("SELECT TOP 5 * FROM devices");

        Assert.Equal(4L, query.PageSql(3).Parameters[^2]);
        var second = query.PageSql(3, new QueryContinuation(3));
        Assert.Equal(new object?[] { 2L, 3L }, second.Parameters.TakeLast(2));
        Assert.Null(query.NextContinuation(3, new QueryContinuation(3), rowsFetched: 2));
        Assert.Equal(0L, query.PageSql(3, new QueryContinuation(9)).Parameters[^2]);
    }

    [Fact]
    public void Continuation_tokens_round_trip_and_are_opaque()
    {
        var token = new QueryContinuation(12345).ToToken();

        Assert.True(QueryContinuation.TryParse(token, out var parsed));
        Assert.Equal(12345, parsed.Offset);
        Assert.DoesNotContain("12345", token);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("MTIz")]
    [InlineData("cTE6LTE")]
    public void Foreign_or_damaged_tokens_are_refused(string? token)
    {
        Assert.False(QueryContinuation.TryParse(token, out _));
    }
}
