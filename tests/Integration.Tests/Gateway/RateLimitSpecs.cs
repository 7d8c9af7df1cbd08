using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Gateway;

/// <summary>
/// Per-policy rate limits (Gateway:RateLimits) through a gateway of their own with 3 requests per second per policy,
/// so the fixture's gateway keeps its default limit and no other spec is throttled. Requests are sent one after
/// another: tens of them take far less than the seconds it would take to stay under 3 per second.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RateLimitSpecs(SystemUnderTest system) : IAsyncLifetime
{
    private const int PermitsPerSecond = 3;
    private GatewayProcess _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayProcess.StartReadyAsync(system, "throttled-gateway",
        ("Gateway__RateLimits__PermitsPerSecond", PermitsPerSecond.ToString()));

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Requests_over_the_policy_rate_get_429_ThrottlingException_with_Retry_After()
    {
        using var hub = _gateway.Client();
        var answers = await SendUntilThrottledAsync(hub, $"/jobs/v2/no-such-job-{Guid.NewGuid():N}", atMost: 100);

        var throttled = answers.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(throttled);
        Assert.All(answers.Except(throttled), a => Assert.Equal("JobNotFound", a.Header("iothub-errorcode"))); // jobs-api answered
        Assert.All(throttled, answer =>
        {
            Assert.Equal("ThrottlingException", answer.Header("iothub-errorcode"));
            Assert.StartsWith("ErrorCode:ThrottlingException;", (string)answer.Json["Message"]!);
            Assert.StartsWith("Tracking ID:", (string)answer.Json["ExceptionMessage"]!);
            Assert.True(int.TryParse(answer.Header("Retry-After"), out var seconds) && seconds >= 1,
                $"Retry-After must be a whole number of seconds >= 1, was '{answer.Header("Retry-After")}'");
        });
    }

    [Fact]
    public async Task The_limit_is_per_policy_so_a_throttled_policy_leaves_the_others_alone()
    {
        using var owner = _gateway.Client("iothubowner");
        using var service = _gateway.Client("service");
        var path = $"/jobs/v2/no-such-job-{Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SendUntilThrottledAsync(owner, path, atMost: 100)).Last().Status);

        // The "service" policy has used nothing in any window, so its first request passes whatever the clock says.
        Assert.Equal("JobNotFound", (await service.GetAsync(path)).Header("iothub-errorcode"));
    }

    [Fact]
    public async Task A_throttled_job_creation_records_nothing_and_an_admitted_one_is_recorded()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        using var hub = _gateway.Client();
        var answers = new List<(string JobId, HttpStatusCode Status, string Text)>();
        for (var i = 0; i < 30 && answers.Count(a => a.Status == HttpStatusCode.TooManyRequests) < 5; i++)
        {
            var jobId = $"throttled-{run}-{i}";
            // A query that matches no device: an admitted job completes at once.
            var answer = await hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'"));
            answers.Add((jobId, answer.Status, answer.Text));
        }

        Assert.Contains(answers, a => a.Status == HttpStatusCode.TooManyRequests);
        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{(int)a.Status} {a.Text}"));
        foreach (var (jobId, status, _) in answers)
        {
            var recorded = await system.Hub.GetAsync($"/jobs/v2/{jobId}"); // the fixture's gateway: not throttled
            Assert.Equal(status == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.NotFound, recorded.Status);
            if (status == HttpStatusCode.OK) await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        }
    }

    [Fact]
    public async Task Unauthenticated_requests_and_health_checks_are_never_throttled()
    {
        using var hub = _gateway.Client();
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await hub.SendAsync(HttpMethod.Get, "/jobs/v2/x", authorization: "SharedAccessSignature sr=x")).Status);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"https://127.0.0.1:{_gateway.Port}/health/ready")).StatusCode);
        }
    }

    /// <summary>Sends GETs one after another until the first 429 plus two more, or <paramref name="atMost"/> requests.</summary>
    private static async Task<List<HubResponse>> SendUntilThrottledAsync(HubClient hub, string path, int atMost)
    {
        var answers = new List<HubResponse>();
        while (answers.Count < atMost && answers.Count(a => a.Status == HttpStatusCode.TooManyRequests) < 3)
            answers.Add(await hub.GetAsync(path));
        return answers;
    }
}
