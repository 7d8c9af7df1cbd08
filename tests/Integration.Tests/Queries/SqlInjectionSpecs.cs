using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Queries;

/// <summary>
/// Injection attempts through every text that reaches SQL — job queryCondition, the /devices/query body, device ids,
/// job ids, filters, continuation tokens, method names — are each refused with a 4xx IoT Hub error or stored and
/// matched as plain data, and the database is unchanged afterwards (apart from the data the corpus itself created).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SqlInjectionSpecs(SystemUnderTest system)
{
    public static readonly string[] Corpus =
    [
        "' OR '1'='1",
        "' OR 1=1 --",
        "'; DROP TABLE registry.devices; --",
        "x'); DELETE FROM registry.devices; --",
        "\"; DROP TABLE dispatch.device_jobs; --",
        "1; UPDATE registry.devices SET twin = '{}'",
        "' UNION SELECT twin::text FROM registry.devices --",
        "'||(select string_agg(device_id, ',') from registry.devices)||'",
        "$1",
        "$$; DROP TABLE jobs.mt_doc_jobstatus; $$",
        "\\'; DROP TABLE registry.devices; --",
        "'||pg_sleep(10)||'",
        "%' OR device_id LIKE '%",
        "]]; DROP TABLE registry.devices; --",
        "'; COMMIT; DROP SCHEMA registry CASCADE; --",
        "a'or'1'='1",
        "x';TRUNCATE(registry.devices);--",
        "'/**/OR/**/1=1--",
        "é'; DROP TABLE registry.devices; --",
        "\u0000'; DROP TABLE registry.devices; --",
        "\\u0027; DROP TABLE registry.devices; --",
    ];

    [Fact]
    public async Task Injection_corpus_is_refused_or_treated_as_data_and_leaves_the_database_unchanged()
    {
        var run = "sqli" + Guid.NewGuid().ToString("N")[..8];
        var before = await DatabaseSnapshot.TakeWhenQuietAsync(system.Database, run);
        Assert.Contains(DatabaseSnapshot.JobDocumentTable + ":", before.Tables);

        var acceptedJobs = new List<string>();
        var n = 0;
        foreach (var payload in Corpus)
        {
            foreach (var condition in Conditions(payload)) acceptedJobs.AddRange(await ScheduleJobAsync($"{run}-{n++}", condition));
            foreach (var query in Queries(payload)) await QueryAsync(query);
            // '/' cannot travel inside a path segment (it arrives as a literal %2F), so those payloads only test lookups.
            if (!payload.Contains('/')) await DeviceIdAsync($"{run}-{payload}");
            await UnknownIdsAsync(payload);
            await RefusedHeadersAndFiltersAsync(payload);
        }
        foreach (var jobId in acceptedJobs) await system.Hub.PostAsync($"/jobs/v2/{jobId}/cancel");

        var after = await DatabaseSnapshot.TakeAsync(system.Database, run);
        Assert.Equal(before, after);
        Assert.NotEmpty(acceptedJobs);
    }

    /// <summary>
    /// Text PostgreSQL cannot hold (U+0000, an unpaired surrogate) written as a JSON escape or a query-language escape inside a query string:
    /// refused by the parser with 400, never a database error surfacing as 500. Raw JSON, since the client's
    /// serializer refuses to write an unpaired surrogate itself.
    /// </summary>
    [Theory]
    [InlineData("\\u0000")]
    [InlineData("\\ud800")]
    [InlineData("\\udc00x")]
    [InlineData("\\\\u0000")] // the query language's own escape, decoded by the lexer
    [InlineData("\\\\ud800")]
    public async Task Text_the_database_cannot_store_is_refused_in_queries_and_job_conditions(string jsonEscape)
    {
        var jobId = "sqli-nul-" + Guid.NewGuid().ToString("N")[..8];
        var query = await SendRawAsync(HttpMethod.Post, "/devices/query",
            $$"""{"query":"SELECT * FROM devices WHERE deviceId = 'x{{jsonEscape}}'"}""");
        var job = await SendRawAsync(HttpMethod.Put, $"/jobs/v2/{jobId}",
            $$$"""{"jobId":"{{{jobId}}}","type":"scheduleDeviceMethod","queryCondition":"tags.[[a{{{jsonEscape}}}]] = 'b{{{jsonEscape}}}'","cloudToDeviceMethod":{"methodName":"reboot"}}""");

        Assert.Contains("U+0000", DeviceQuery.AssertError(query, HttpStatusCode.BadRequest, "ArgumentInvalid"), StringComparison.Ordinal);
        Assert.Contains("U+0000", DeviceQuery.AssertError(job, HttpStatusCode.BadRequest, "ArgumentInvalid"), StringComparison.Ordinal);
    }

    /// <summary>A raw control character inside a JSON string is not JSON at all (RFC 8259 §7): IotHubFormatError.</summary>
    [Fact]
    public async Task A_raw_control_character_in_a_JSON_string_is_a_format_error()
    {
        var query = await SendRawAsync(HttpMethod.Post, "/devices/query", "{\"query\":\"SELECT * FROM devices WHERE deviceId = 'x\u0000'\"}");
        DeviceQuery.AssertError(query, HttpStatusCode.BadRequest, "IotHubFormatError");
    }

    private Task<HubResponse> SendRawAsync(HttpMethod method, string path, string json) =>
        system.Hub.SendAsync(method, path, null, r => r.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    private static IEnumerable<string> Conditions(string payload) =>
    [
        payload,
        $"deviceId = '{payload}'",
        $"deviceId = '{Escape(payload)}'",
        $"tags.[[{payload}]] = 1",
        $"tags.x = 1 {payload}",
    ];

    private static IEnumerable<string> Queries(string payload) =>
    [
        payload,
        $"SELECT * FROM devices WHERE deviceId = '{payload}'",
        $"SELECT * FROM devices WHERE deviceId = '{Escape(payload)}'",
        $"SELECT * FROM devices WHERE tags.[[{payload}]] = 1",
        $"SELECT deviceId AS [[{payload}]] FROM devices WHERE tags.x = 1",
        $"SELECT COUNT() AS n, tags.[[{payload}]] FROM devices GROUP BY tags.[[{payload}]]",
        $"SELECT * FROM devices.jobs WHERE jobId = '{payload}'",
        $"SELECT * FROM devices WHERE tags.x = 1 {payload}",
    ];

    /// <summary>A job a day ahead (so it never runs): refused with a 4xx, or accepted with its condition stored verbatim.</summary>
    private async Task<IEnumerable<string>> ScheduleJobAsync(string jobId, string condition)
    {
        var job = new JsonObject
        {
            ["jobId"] = jobId, ["type"] = "scheduleDeviceMethod", ["queryCondition"] = condition,
            ["cloudToDeviceMethod"] = new JsonObject { ["methodName"] = "reboot", ["payload"] = new JsonObject() },
            ["startTime"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
        };
        var response = await system.Hub.PutAsync($"/jobs/v2/{jobId}", job);
        if (response.Status != HttpStatusCode.OK)
        {
            AssertIotHubRefusal(response, condition);
            return [];
        }
        var stored = (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Equal(condition, (string?)stored["queryCondition"]);
        return [jobId];
    }

    private async Task QueryAsync(string query)
    {
        var response = await DeviceQuery.PageAsync(system.Hub, query);
        if (response.Status == HttpStatusCode.OK) Assert.IsType<JsonArray>(response.Json);
        else AssertIotHubRefusal(response, query);
    }

    /// <summary>A device id is refused by the id rule, or becomes a device whose id is exactly that text.</summary>
    private async Task DeviceIdAsync(string deviceId)
    {
        var path = $"/devices/{Uri.EscapeDataString(deviceId)}";
        var created = await system.Hub.PutAsync(path, new JsonObject());
        if (created.Status != HttpStatusCode.OK)
        {
            AssertIotHubRefusal(created, deviceId);
            return;
        }
        Assert.Equal(deviceId, (string?)(await system.Hub.GetAsync(path)).EnsureStatus(HttpStatusCode.OK).Json["deviceId"]);
        var twins = (await DeviceQuery.PageAsync(system.Hub, $"SELECT * FROM devices WHERE deviceId = '{Escape(deviceId)}'")).EnsureStatus(HttpStatusCode.OK);
        Assert.Equal([deviceId], twins.Json.AsArray().Select(t => (string)t!["deviceId"]!));
    }

    /// <summary>Ids nobody registered: every lookup by them answers not found (or refuses the id).</summary>
    private async Task UnknownIdsAsync(string payload)
    {
        var id = Uri.EscapeDataString(payload);
        AssertIotHubRefusal(await system.Hub.GetAsync($"/twins/{id}"), payload);
        AssertIotHubRefusal(await system.Hub.GetAsync($"/devices/{id}"), payload);
        AssertIotHubRefusal(await system.Hub.PostAsync($"/twins/{id}/methods", new JsonObject { ["methodName"] = "reboot" }), payload);
        AssertIotHubRefusal(await system.Hub.PutAsync($"/jobs/v2/{id}", new JsonObject { ["type"] = "scheduleDeviceMethod" }), payload);
        AssertIotHubRefusal(await system.Hub.GetAsync($"/jobs/v2/{id}"), payload);
        AssertIotHubRefusal(await system.Hub.PostAsync($"/jobs/v2/{id}/cancel"), payload);
    }

    private async Task RefusedHeadersAndFiltersAsync(string payload)
    {
        var value = Uri.EscapeDataString(payload);
        AssertIotHubRefusal(await system.Hub.GetAsync($"/jobs/v2/query?jobType={value}"), payload);
        AssertIotHubRefusal(await system.Hub.GetAsync($"/jobs/v2/query?jobStatus={value}"), payload);
        AssertIotHubRefusal(await system.Hub.GetAsync($"/jobs/v2/query?continuationToken={value}"), payload);
        AssertIotHubRefusal(await system.Hub.PostAsync("/twins/nobody/methods", new JsonObject { ["methodName"] = payload }), payload);
        if (payload.All(c => c is >= ' ' and <= '~'))
        {
            AssertIotHubRefusal(await system.Hub.SendAsync(HttpMethod.Post, "/devices/query", new JsonObject { ["query"] = "SELECT * FROM devices" },
                r => r.Headers.TryAddWithoutValidation("x-ms-continuation", payload)), payload);
            AssertIotHubRefusal(await system.Hub.SendAsync(HttpMethod.Post, "/devices/query", new JsonObject { ["query"] = "SELECT * FROM devices" },
                r => r.Headers.TryAddWithoutValidation("x-ms-max-item-count", payload)), payload);
        }
    }

    /// <summary>A 4xx with an IoT Hub error body (format A, or B for direct methods) — never a 5xx or a bare error.</summary>
    private static void AssertIotHubRefusal(HubResponse response, string input)
    {
        Assert.True((int)response.Status is >= 400 and < 500, $"{input}: expected a 4xx refusal but got {(int)response.Status}: {response.Text}");
        // Kestrel refuses a NUL in the request target itself (400, no body) before any handler could answer.
        if (input.Contains('\0') && response.Status == HttpStatusCode.BadRequest && response.Text.Length == 0) return;
        Assert.False(string.IsNullOrEmpty(response.Header("iothub-errorcode")), $"{input}: no iothub-errorcode header on {(int)response.Status}: {response.Text}");
        Assert.NotNull((string?)response.Json["Message"]);
    }

    /// <summary>The query language's own escaping, so the whole payload is one string literal.</summary>
    private static string Escape(string text) => text.Replace("\\", "\\\\").Replace("'", "\\'");
}
