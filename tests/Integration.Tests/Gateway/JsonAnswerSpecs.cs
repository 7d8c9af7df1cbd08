using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Gateway;

/// <summary>
/// JSON is written the way IoT Hub writes it: readable, escaping only what JSON requires, so a condition reads
/// <c>tags.building = '43'</c> and not <c>\u002743\u0027</c> (services/jobs-api/Http/IotHubJson.cs). That is safe because
/// every answer is <c>application/json; charset=utf-8</c> with <c>X-Content-Type-Options: nosniff</c>: no browser takes
/// it for HTML.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class JsonAnswerSpecs(SystemUnderTest system)
{
    private const string Condition = "tags.building = '43'";

    [Fact]
    public async Task A_job_response_shows_its_query_condition_literally()
    {
        var jobId = $"readable-{Guid.NewGuid():N}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, Condition, startTime: DateTimeOffset.UtcNow.AddYears(5))))
            .EnsureStatus(HttpStatusCode.OK);

        var job = (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).EnsureStatus(HttpStatusCode.OK);
        var cancelled = (await system.Hub.PostAsync($"/jobs/v2/{jobId}/cancel")).EnsureStatus(HttpStatusCode.OK);
        var listed = (await system.Hub.GetAsync("/jobs/v2/query?jobType=scheduleDeviceMethod&jobStatus=cancelled")).EnsureStatus(HttpStatusCode.OK);

        Assert.Contains("\"queryCondition\":\"tags.building = '43'\"", job.Text);
        Assert.Contains("\"queryCondition\":\"tags.building = '43'\"", cancelled.Text);
        Assert.Contains("\"queryCondition\":\"tags.building = '43'\"", listed.Text);
        Assert.DoesNotContain("\\u0027", job.Text + cancelled.Text + listed.Text);
    }

    [Fact]
    public async Task A_twin_shows_apostrophes_angle_brackets_ampersands_and_accents_literally()
    {
        var deviceId = $"readable-{Guid.NewGuid():N}";
        (await system.Hub.PutAsync($"/devices/{deviceId}", new JsonObject())).EnsureStatus(HttpStatusCode.OK);
        const string note = "it's <b>R&D</b> in Zürich";

        var patched = (await system.Hub.SendAsync(HttpMethod.Patch, $"/twins/{deviceId}", new JsonObject { ["tags"] = new JsonObject { ["note"] = note } }))
            .EnsureStatus(HttpStatusCode.OK);
        var read = (await system.Hub.GetAsync($"/twins/{deviceId}")).EnsureStatus(HttpStatusCode.OK);
        var queried = (await system.Hub.PostAsync("/devices/query", new JsonObject { ["query"] = $"SELECT * FROM devices WHERE deviceId = '{deviceId}'" }))
            .EnsureStatus(HttpStatusCode.OK);

        // Query items come from PostgreSQL's jsonb text, which puts a space after ':'; the value is what matters.
        Assert.All([patched.Text, read.Text, queried.Text], text => Assert.Contains($"\"{note}\"", text));
    }

    [Fact]
    public async Task Control_characters_and_quotes_are_still_escaped_and_read_back_unchanged()
    {
        var deviceId = $"readable-{Guid.NewGuid():N}";
        (await system.Hub.PutAsync($"/devices/{deviceId}", new JsonObject())).EnsureStatus(HttpStatusCode.OK);
        const string note = "line\nbreak \"quoted\" back\\slash tab\t bell\u0007";

        var read = (await system.Hub.SendAsync(HttpMethod.Patch, $"/twins/{deviceId}", new JsonObject { ["tags"] = new JsonObject { ["note"] = note } }))
            .EnsureStatus(HttpStatusCode.OK);

        Assert.Contains("line\\nbreak \\\"quoted\\\" back\\\\slash tab\\t bell\\u0007", read.Text);
        Assert.Equal(note, (string?)read.Json["tags"]!["note"]);
    }

    [Fact]
    public async Task Every_json_answer_is_utf8_json_that_browsers_must_not_sniff()
    {
        var answers = new[]
        {
            await system.Hub.GetAsync("/jobs/v2/query"), // 200 from jobs-api
            await system.Hub.GetAsync($"/jobs/v2/missing-{Guid.NewGuid():N}"), // 404 from jobs-api
            await system.Hub.SendAsync(HttpMethod.Get, "/jobs/v2/query", authorization: "SharedAccessSignature nonsense"), // 401 from the gateway
            await system.Hub.GetAsync("/nothing-here"), // 404 from the gateway
        };

        Assert.All(answers, answer =>
        {
            Assert.Equal("application/json", answer.ContentType?.MediaType);
            Assert.Equal("utf-8", answer.ContentType?.CharSet);
            Assert.Equal("nosniff", answer.Header("X-Content-Type-Options"));
            Assert.Null(answer.Header("Server"));
        });
    }
}
