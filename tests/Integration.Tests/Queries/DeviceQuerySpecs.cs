using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Unit.Tests.Query;

namespace Integration.Tests.Queries;

/// <summary><c>POST /devices/query</c> through the gateway: paging, item types, result shapes and errors.</summary>
[Collection(SystemCollection.Name)]
public sealed class DeviceQuerySpecs(SystemUnderTest system)
{
    private const int DeviceCount = 7;

    public static IEnumerable<object[]> InvalidQueries => QueryCases.InvalidQueries.Select(c => new object[] { c.Text, c.ExpectedMessage });

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(DeviceCount)]
    [InlineData(100)]
    public async Task Paging_twins_yields_every_device_once_and_only_the_last_page_lacks_a_continuation(int pageSize)
    {
        var (run, ids) = await CreateFleetAsync();

        var pages = await DeviceQuery.AllPagesAsync(system.Hub, $"SELECT * FROM devices WHERE tags.run = '{run}'", pageSize);

        Assert.Equal((DeviceCount + pageSize - 1) / pageSize, pages.Count);
        Assert.All(pages, page =>
        {
            Assert.Equal("Twin", page.Header("x-ms-item-type"));
            Assert.Equal("application/json; charset=utf-8", page.ContentType?.ToString());
            Assert.InRange(page.Json.AsArray().Count, 1, pageSize);
        });
        Assert.All(pages[..^1], page => Assert.False(string.IsNullOrEmpty(page.Header("x-ms-continuation"))));
        Assert.False(pages[^1].Headers.Contains("x-ms-continuation"));
        var items = DeviceQuery.Items(pages);
        Assert.Equal(ids, items.Select(i => (string)i["deviceId"]!));
        Assert.All(items, twin =>
        {
            Assert.NotNull((string?)twin["etag"]);
            Assert.Equal(run, (string?)twin["tags"]!["run"]);
            Assert.NotNull(twin["properties"]!["desired"]!["$version"]);
            Assert.Null(twin["jobs"]);
        });
    }

    [Fact]
    public async Task Top_limits_the_result_across_pages()
    {
        var (run, ids) = await CreateFleetAsync();

        var pages = await DeviceQuery.AllPagesAsync(system.Hub, $"SELECT TOP 5 * FROM devices WHERE tags.run = '{run}'", pageSize: 2);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Json.AsArray().Count));
        Assert.Equal(ids.Take(5), DeviceQuery.Items(pages).Select(i => (string)i["deviceId"]!));
    }

    [Fact]
    public async Task Projection_answers_Raw_items_with_canonical_and_aliased_names()
    {
        var (run, ids) = await CreateFleetAsync();

        var page = (await DeviceQuery.PageAsync(system.Hub, $"SELECT DeviceId, tags.floor AS f FROM devices WHERE tags.run = '{run}' AND tags.floor = 1"))
            .EnsureStatus(HttpStatusCode.OK);

        Assert.Equal("Raw", page.Header("x-ms-item-type"));
        var expected = new JsonArray(ids.Where((_, i) => i % 3 == 1).Select(id => (JsonNode)new JsonObject { ["deviceId"] = id, ["f"] = 1 }).ToArray());
        Assert.True(JsonNode.DeepEquals(expected, page.Json), page.Text);
    }

    [Fact]
    public async Task Count_and_group_by_answer_one_Raw_item_per_group()
    {
        var (run, _) = await CreateFleetAsync();

        var count = (await DeviceQuery.PageAsync(system.Hub, $"SELECT COUNT() AS numberOfDevices FROM devices WHERE tags.run = '{run}'"))
            .EnsureStatus(HttpStatusCode.OK);
        var groups = await DeviceQuery.AllPagesAsync(system.Hub,
            $"SELECT tags.floor, COUNT() AS n FROM devices WHERE tags.run = '{run}' GROUP BY tags.floor", pageSize: 2);

        Assert.Equal("Raw", count.Header("x-ms-item-type"));
        Assert.Equal($$"""[{"numberOfDevices":{{DeviceCount}}}]""", count.Json.ToJsonString());
        Assert.All(groups, g => Assert.Equal("Raw", g.Header("x-ms-item-type")));
        var grouped = new JsonArray(DeviceQuery.Items(groups).Select(i => i.DeepClone()).ToArray());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"floor":0,"n":3},{"floor":1,"n":2},{"floor":2,"n":2}]"""), grouped), grouped.ToJsonString());
    }

    [Fact]
    public async Task A_query_matching_nothing_answers_an_empty_array_without_continuation()
    {
        var page = (await DeviceQuery.PageAsync(system.Hub, "SELECT * FROM devices WHERE tags.run = 'no such run'", pageSize: 1))
            .EnsureStatus(HttpStatusCode.OK);

        Assert.Equal("[]", page.Text);
        Assert.Equal("Twin", page.Header("x-ms-item-type"));
        Assert.False(page.Headers.Contains("x-ms-continuation"));
    }

    [Theory]
    [MemberData(nameof(InvalidQueries))]
    public async Task Invalid_query_is_refused_with_400_ArgumentInvalid_and_the_parser_message_with_its_position(string query, string expectedMessage)
    {
        var response = await DeviceQuery.PageAsync(system.Hub, query);

        var message = DeviceQuery.AssertError(response, HttpStatusCode.BadRequest, "ArgumentInvalid");
        Assert.Contains(expectedMessage, message, StringComparison.Ordinal);
        Assert.Contains("at position ", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("5, 6")]
    public async Task Page_size_that_is_not_a_positive_whole_number_is_refused(string pageSize)
    {
        var response = await system.Hub.SendAsync(HttpMethod.Post, "/devices/query", new JsonObject { ["query"] = "SELECT * FROM devices" },
            r => r.Headers.TryAddWithoutValidation("x-ms-max-item-count", pageSize));

        DeviceQuery.AssertError(response, HttpStatusCode.BadRequest, "ArgumentInvalid");
    }

    [Fact]
    public async Task Page_size_above_the_maximum_is_clamped_not_refused()
    {
        var (run, ids) = await CreateFleetAsync();

        var page = (await DeviceQuery.PageAsync(system.Hub, $"SELECT * FROM devices WHERE tags.run = '{run}'", pageSize: 50_000))
            .EnsureStatus(HttpStatusCode.OK);

        Assert.Equal(ids.Count, page.Json.AsArray().Count);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("q1:10")]
    [InlineData("cTE6LTE")] // base64url of "q1:-1"
    [InlineData("cTE6YWJj")] // base64url of "q1:abc"
    [InlineData("JyBPUiAxPTEgLS0")] // base64url of "' OR 1=1 --"
    [InlineData("cTE6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk")] // an offset beyond long
    public async Task Tampered_continuation_token_is_refused_with_400_not_a_server_error(string token)
    {
        var response = await DeviceQuery.PageAsync(system.Hub, "SELECT * FROM devices", pageSize: 1, continuation: token);

        DeviceQuery.AssertError(response, HttpStatusCode.BadRequest, "ArgumentInvalid");
    }

    [Fact]
    public async Task A_continuation_beyond_the_end_answers_an_empty_last_page()
    {
        var token = Convert.ToBase64String(Encoding.ASCII.GetBytes("q1:9223372036854775000")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        var page = (await DeviceQuery.PageAsync(system.Hub, "SELECT * FROM devices", pageSize: 1000, continuation: token)).EnsureStatus(HttpStatusCode.OK);

        Assert.Equal("[]", page.Text);
        Assert.False(page.Headers.Contains("x-ms-continuation"));
    }

    [Theory]
    [InlineData("""{"sql":"SELECT * FROM devices"}""", "ArgumentNull")]
    [InlineData("""{"query":null}""", "ArgumentNull")]
    [InlineData("""{"query":42}""", "ArgumentInvalid")]
    [InlineData("""["SELECT * FROM devices"]""", "ArgumentInvalid")]
    [InlineData("""{"query":"SELECT * FROM devices""", "IotHubFormatError")]
    public async Task Body_without_a_query_string_is_refused_with_400(string body, string code)
    {
        var response = await system.Hub.SendAsync(HttpMethod.Post, "/devices/query", null,
            r => r.Content = new StringContent(body, Encoding.UTF8, "application/json"));

        DeviceQuery.AssertError(response, HttpStatusCode.BadRequest, code);
    }

    /// <summary>Seven devices of a fresh run; tags.floor = index % 3 (as a number).</summary>
    private async Task<(string Run, List<string> Ids)> CreateFleetAsync()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var devices = Enumerable.Range(0, DeviceCount)
            .Select(i => ($"dq-{run}-{i:D2}", new JsonObject { ["run"] = run, ["floor"] = i % 3 }))
            .ToList();
        await DeviceQuery.CreateDevicesAsync(system.Hub, devices);
        return (run, devices.Select(d => d.Item1).ToList());
    }
}
