using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Gateway;

/// <summary>
/// Per-policy rate limits (Gateway:RateLimits) through a gateway of their own with 3 requests per second per policy,
/// so the fixture's gateway keeps its default limit and no other spec is throttled. Requests go out 10 at a time: ten
/// requests in flight together cannot all fit into 3 permits, however slow a busy machine answers them.
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
        var path = $"/jobs/v2/no-such-job-{Guid.NewGuid():N}";
        var answers = (await InBurstsUntilThrottledAsync(_ => hub.GetAsync(path))).Select(a => a.Answer).ToList();

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
        Assert.Contains(await InBurstsUntilThrottledAsync(_ => owner.GetAsync(path)), a => a.Answer.Status == HttpStatusCode.TooManyRequests);

        // The "service" policy has used nothing in any window, so its first request passes whatever the clock says.
        Assert.Equal("JobNotFound", (await service.GetAsync(path)).Header("iothub-errorcode"));
    }

    [Fact]
    public async Task A_throttled_job_creation_records_nothing_and_an_admitted_one_is_recorded()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        using var hub = _gateway.Client();
        // A query that matches no device: an admitted job completes at once.
        var answers = await InBurstsUntilThrottledAsync(i =>
            hub.PutAsync($"/jobs/v2/throttled-{run}-{i}", Fleet.MethodJob($"throttled-{run}-{i}", $"tags.run = '{run}'")));

        Assert.Contains(answers, a => a.Answer.Status == HttpStatusCode.TooManyRequests);
        Assert.Contains(answers, a => a.Answer.Status == HttpStatusCode.OK);
        Assert.All(answers, a => Assert.True(a.Answer.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{(int)a.Answer.Status} {a.Answer.Text}"));
        foreach (var (i, answer) in answers)
        {
            var jobId = $"throttled-{run}-{i}";
            var recorded = await system.Hub.GetAsync($"/jobs/v2/{jobId}"); // the fixture's gateway: not throttled
            Assert.Equal(answer.Status == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.NotFound, recorded.Status);
            if (answer.Status == HttpStatusCode.OK) await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
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

    /// <summary>
    /// Sends requests 10 at a time (numbered from 0) until a burst got at least one 429, at most 10 bursts; returns
    /// every request's number and answer.
    /// </summary>
    private static async Task<List<(int Number, HubResponse Answer)>> InBurstsUntilThrottledAsync(Func<int, Task<HubResponse>> send)
    {
        const int InFlight = 10;
        var answers = new List<(int, HubResponse)>();
        for (var burst = 0; burst < 10; burst++)
        {
            var numbers = Enumerable.Range(burst * InFlight, InFlight).ToList();
            var replies = await Task.WhenAll(numbers.Select(send));
            answers.AddRange(numbers.Zip(replies));
            if (replies.Any(r => r.Status == HttpStatusCode.TooManyRequests)) break;
        }
        return answers;
    }
}
