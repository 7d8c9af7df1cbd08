using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Events;

/// <summary>
/// Webhooks through the gateway with a real receiver (docs/events.md, "Webhooks"): the subscription API and its
/// refusals, signed CloudEvents in log order, batches, retries with the same ids, and receivers that fail or hang
/// without slowing the job or each other.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class WebhookSpecs(SystemUnderTest system) : IAsyncLifetime
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();
    public async Task DisposeAsync()
    {
        // Every subscription of this spec goes, so later specs' jobs are not read by delivery loops nobody watches.
        foreach (var w in (await system.Hub.GetAsync("/webhooks")).Json.AsArray())
            if (((string?)w!["name"])!.Contains(_run, StringComparison.Ordinal))
                await system.Hub.SendAsync(HttpMethod.Delete, $"/webhooks/{(string?)w["name"]}");
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_subscription_is_created_read_listed_replaced_and_deleted_and_its_secret_is_shown_once()
    {
        var name = $"crud-{_run}";
        var url = _receiver.Subscriber(name, "unused-secret-0000");
        var created = (await system.Hub.PutAsync($"/webhooks/{name}", new JsonObject
        {
            ["url"] = url, ["eventTypes"] = new JsonArray("job.completed", "deviceJob.*"), ["jobIdPrefix"] = "nothing-matches",
        })).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.True(((string?)created["secret"])?.Length >= 32, "a secret made by the hub is returned at creation");
        Assert.Equal(url, (string?)created["url"]);

        var read = (await system.Hub.GetAsync($"/webhooks/{name}")).EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Null(read["secret"]);
        Assert.Equal("ok", (string?)read["delivery"]!["state"]);
        Assert.Equal(["job.completed", "deviceJob.*"], read["eventTypes"]!.AsArray().Select(t => (string)t!).ToArray());
        var list = (await system.Hub.GetAsync("/webhooks")).EnsureStatus(HttpStatusCode.OK).Json.AsArray();
        Assert.Contains(list, w => (string?)w!["name"] == name);

        var replaced = (await system.Hub.PutAsync($"/webhooks/{name}", new JsonObject { ["url"] = url, ["eventTypes"] = new JsonArray("*") }))
            .EnsureStatus(HttpStatusCode.OK).Json;
        Assert.Null(replaced["secret"]);
        Assert.Equal((string?)read["delivery"]!["lastEventId"], (string?)replaced["delivery"]!["lastEventId"]);

        (await system.Hub.SendAsync(HttpMethod.Delete, $"/webhooks/{name}")).EnsureStatus(HttpStatusCode.NoContent);
        var gone = await system.Hub.GetAsync($"/webhooks/{name}");
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
        Assert.Equal("WebhookNotFound", gone.Header("iothub-errorcode"));
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.SendAsync(HttpMethod.Delete, $"/webhooks/{name}")).Status);
    }

    [Theory]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://192.168.0.10/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://127.0.0.2/hook")]
    [InlineData("http://example.com/hook")]
    [InlineData("ftp://example.com/hook")]
    [InlineData("https://user:s3cr3t-pw@example.com/hook")]
    [InlineData("not a url")]
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://100.64.0.1/hook")]
    [InlineData("https://172.16.0.1/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[::ffff:169.254.169.254]/hook")]
    [InlineData("https://224.0.0.1/hook")]
    [InlineData("https://255.255.255.255/hook")]
    [InlineData("https://167772161/hook")]
    [InlineData("https://0xa9.0xfe.0xa9.0xfe/latest")]
    [InlineData("http://127.0.0.2/hook")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/relative/hook")]
    public async Task A_url_inside_the_hubs_networks_or_not_https_is_refused_and_nothing_is_recorded(string url)
    {
        var name = $"refused-{_run}";
        var refused = await system.Hub.PutAsync($"/webhooks/{name}", new JsonObject { ["url"] = url, ["eventTypes"] = new JsonArray("*") });
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("ArgumentInvalid", refused.Header("iothub-errorcode"));
        Assert.DoesNotContain("s3cr3t-pw", refused.Text); // a password in the URL is never echoed
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/webhooks/{name}")).Status);
    }

    [Fact]
    public async Task A_refused_url_is_never_contacted_even_when_a_receiver_listens_there()
    {
        var name = $"never-{_run}";
        _receiver.Subscriber(name, "unused-secret-0000");
        // The receiver listens on 127.0.0.1; the fixture allows that address, not the name localhost, and http only for allowed hosts.
        foreach (var url in new[] { $"http://localhost:{_receiver.Port}/hooks/{name}", $"https://localhost:{_receiver.Port}/hooks/{name}" })
        {
            var refused = await system.Hub.PutAsync($"/webhooks/{name}", new JsonObject { ["url"] = url, ["eventTypes"] = new JsonArray("*") });
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.StartsWith("ErrorCode:ArgumentInvalid;", (string?)refused.Json["Message"]);
            Assert.StartsWith("Tracking ID:", (string?)refused.Json["ExceptionMessage"]);
        }
        Assert.Equal(0, _receiver.Requests(name));
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/webhooks/{name}")).Status);
        Assert.DoesNotContain((await system.Hub.GetAsync("/webhooks")).Json.AsArray(), w => (string?)w!["name"] == name);
    }

    [Fact]
    public async Task Bad_subscriptions_and_policies_without_registry_write_are_refused()
    {
        var url = _receiver.Subscriber($"bad-{_run}", "unused-secret-0000");
        async Task<HubResponse> Put(JsonObject body) => await system.Hub.PutAsync($"/webhooks/bad-{_run}", body);
        Assert.Equal(HttpStatusCode.BadRequest, (await Put(new JsonObject { ["url"] = url })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Put(new JsonObject { ["url"] = url, ["eventTypes"] = new JsonArray("job.exploded") })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Put(new JsonObject { ["url"] = url, ["eventTypes"] = new JsonArray("*"), ["secret"] = "short" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Put(new JsonObject { ["url"] = url, ["eventTypes"] = new JsonArray("*"), ["jobIdPrefix"] = "a%" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await system.Hub.PutAsync("/webhooks/bad_name", new JsonObject { ["url"] = url, ["eventTypes"] = new JsonArray("*") })).Status);

        using var reader = new HubClient(new Uri($"https://localhost:{system.GatewayPort}"), Path.Combine(system.CertificateDirectory, "ca.pem"),
            "localhost", "registryRead", system.PolicyKeys["registryRead"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await reader.GetAsync("/webhooks")).Status);
        using var service = new HubClient(new Uri($"https://localhost:{system.GatewayPort}"), Path.Combine(system.CertificateDirectory, "ca.pem"),
            "localhost", "service", system.PolicyKeys["service"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.PutAsync($"/webhooks/bad-{_run}", new JsonObject { ["url"] = url, ["eventTypes"] = new JsonArray("*") })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await system.Hub.PutAsync($"/webhooks/bad-{_run}", new JsonObject { ["url"] = 42, ["eventTypes"] = new JsonArray("*") })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await system.Hub.PutAsync($"/webhooks/bad-{_run}", new JsonObject { ["url"] = url + new string('a', 2048), ["eventTypes"] = new JsonArray("*") })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await system.Hub.PutAsync($"/webhooks/bad-{_run}", new JsonObject { ["url"] = url, ["eventTypes"] = new JsonArray(Enumerable.Range(0, 33).Select(_ => (JsonNode)"*").ToArray()) })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/webhooks/bad-{_run}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/webhooks/bad-{_run}/deliveries")).Status);
        Assert.Equal(0, _receiver.Requests($"bad-{_run}"));

        // RegistryWrite is the right that suffices.
        using var writer = new HubClient(new Uri($"https://localhost:{system.GatewayPort}"), Path.Combine(system.CertificateDirectory, "ca.pem"),
            "localhost", "registryReadWrite", system.PolicyKeys["registryReadWrite"]);
        (await writer.PutAsync($"/webhooks/bad-{_run}", new JsonObject { ["url"] = url, ["eventTypes"] = new JsonArray("job.completed") })).EnsureStatus(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.BadRequest, (await writer.GetAsync($"/webhooks/bad-{_run}/deliveries?status=pending")).Status);
        Assert.Empty((await writer.GetAsync($"/webhooks/bad-{_run}/deliveries")).EnsureStatus(HttpStatusCode.OK).Json.AsArray());
        (await writer.SendAsync(HttpMethod.Delete, $"/webhooks/bad-{_run}")).EnsureStatus(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_the_receivers_answer_is_never_echoed()
    {
        var run = $"redirect-{_run}";
        var secret = "a-secret-of-the-spec-" + _run;
        await Fleet.CreateAsync(system.Hub, run, 3, new JsonObject { ["run"] = run });
        _receiver.Answer(run, _ => Task.FromResult(307));
        _receiver.Subscriber(WebhookReceiver.RedirectTarget(run), secret);
        await WebhookSubscriptions.PutAsync(system.Hub, _receiver, run, secret, ["job.*"], jobIdPrefix: run);

        (await system.Hub.PutAsync($"/jobs/v2/{run}", Fleet.MethodJob(run, $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
        await Ledger.EventuallyAsync(async () => (int?)(await WebhookSubscriptions.DeliveryStateAsync(system.Hub, run))["attempts"] >= 2);

        var state = await system.Hub.GetAsync($"/webhooks/{run}");
        var delivery = state.Json["delivery"]!;
        Assert.Equal("retrying", (string?)delivery["state"]);
        Assert.Equal(307, (int?)delivery["lastStatusCode"]);
        Assert.Equal("redirect not followed", (string?)delivery["lastReason"]);
        // Each attempt was recorded after its answer came: a followed redirect would have reached the target before.
        Assert.Equal(0, _receiver.Requests(WebhookReceiver.RedirectTarget(run)));
        Assert.DoesNotContain(WebhookReceiver.AnswerBody(run), state.Text);
        Assert.DoesNotContain(WebhookReceiver.AnswerBody(run), (await system.Hub.GetAsync("/webhooks")).Text);
        Assert.DoesNotContain(WebhookReceiver.AnswerBody(run), (await system.Hub.GetAsync($"/webhooks/{run}/deliveries")).Text);
        await WebhookSubscriptions.DeleteAsync(system.Hub, run);
    }

    [Fact]
    public async Task Every_event_of_a_job_arrives_signed_batched_and_in_log_order()
    {
        const int devices = 300;
        var run = $"hook-{_run}";
        var secret = "a-secret-of-the-spec-" + _run;
        await Fleet.CreateAsync(system.Hub, run, devices, new JsonObject { ["run"] = run });
        await SubscribeAsync(run, secret, ["*"], jobIdPrefix: run);

        (await system.Hub.PutAsync($"/jobs/v2/{run}", Fleet.MethodJob(run, $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
        await Ledger.EventuallyAsync(() => Task.FromResult(_receiver.Accepted(run).Any(e => WebhookEvents.Type(e) == "job.completed")), TimeSpan.FromMinutes(2));

        var deliveries = _receiver.Deliveries(run);
        Assert.All(deliveries, d => Assert.True(d.SignatureValid, $"delivery starting {d.FirstId} is signed with the subscription's secret"));
        Assert.All(deliveries, d => Assert.Equal(d.Events.Count == 1 ? "application/cloudevents+json" : "application/cloudevents-batch+json",
            d.ContentType.Split(';')[0]));
        Assert.Contains(deliveries, d => d.Events.Count > 1);
        var arrived = WebhookEvents.FirstArrivals(_receiver.Accepted(run));
        Assert.Equal(devices, arrived.Count(e => WebhookEvents.Type(e) == "deviceJob.completed"));
        Assert.Equal("job.queued", WebhookEvents.Type(arrived[0]));

        // Exactly what the log holds, as the job's event stream tells it.
        await using var stream = await EventStreamReader.OpenAsync(system.Hub, $"/jobs/v2/{run}/events?devices=true");
        var logged = await stream.ReadToEndAsync();
        Assert.Equal(logged.Where(e => e.Type != "job.progress").Select(e => $"{e.Id} {e.Type}").ToList(), WebhookEvents.Stored(arrived));

        var recorded = (await system.Hub.GetAsync($"/webhooks/{run}/deliveries")).EnsureStatus(HttpStatusCode.OK).Json.AsArray();
        Assert.NotEmpty(recorded);
        Assert.All(recorded, d => Assert.Equal("delivered", (string?)d!["status"]));
    }

    [Fact]
    public async Task A_failing_receiver_gets_the_same_events_again_and_the_job_does_not_wait_for_it()
    {
        var run = $"retry-{_run}";
        var secret = "a-secret-of-the-spec-" + _run;
        await Fleet.CreateAsync(system.Hub, run, 20, new JsonObject { ["run"] = run });
        var release = new TaskCompletionSource();
        // Refuses until the job has completed, then takes everything.
        _receiver.Answer(run, _ => Task.FromResult(release.Task.IsCompleted ? 200 : 503));
        await SubscribeAsync(run, secret, ["job.*", "deviceJob.*"], jobIdPrefix: run);

        (await system.Hub.PutAsync($"/jobs/v2/{run}", Fleet.MethodJob(run, $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
        Assert.Equal("completed", (string?)(await Fleet.WaitUntilFinishedAsync(system.Hub, run))["status"]);
        await Ledger.EventuallyAsync(() => Task.FromResult(_receiver.Requests(run) >= 3));
        var failing = (await system.Hub.GetAsync($"/webhooks/{run}")).EnsureStatus(HttpStatusCode.OK).Json["delivery"]!;
        Assert.Equal("retrying", (string?)failing["state"]);
        Assert.Equal(503, (int?)failing["lastStatusCode"]);
        Assert.Equal("status 503", (string?)failing["lastReason"]);
        Assert.True(_receiver.Accepted(run).Count == 0, "precondition: nothing was accepted while the receiver refused");
        release.SetResult();

        await Ledger.EventuallyAsync(() => Task.FromResult(_receiver.Accepted(run).Any(e => WebhookEvents.Type(e) == "job.completed")));
        var refused = _receiver.Deliveries(run).Where(d => d.AnsweredWith == 503).ToList();
        var firstId = refused[0].FirstId;
        Assert.All(refused, d => Assert.Equal(firstId, d.FirstId));
        Assert.Equal(firstId, WebhookEvents.Id(_receiver.Accepted(run)[0]));
        var arrived = WebhookEvents.FirstArrivals(_receiver.Accepted(run));
        Assert.Equal(20, arrived.Count(e => WebhookEvents.Type(e) == "deviceJob.completed"));
        Assert.Equal("ok", (string?)(await system.Hub.GetAsync($"/webhooks/{run}")).Json["delivery"]!["state"]);
    }

    [Fact]
    public async Task A_hanging_or_dead_receiver_delays_only_its_own_subscription()
    {
        var run = $"hang-{_run}";
        var secret = "a-secret-of-the-spec-" + _run;
        await Fleet.CreateAsync(system.Hub, run, 50, new JsonObject { ["run"] = run });
        var hung = new TaskCompletionSource<int>();
        _receiver.Answer($"{run}-slow", _ => hung.Task);
        await SubscribeAsync($"{run}-slow", secret, ["*"], jobIdPrefix: run);
        // Nothing listens on this port: every connection is refused.
        (await system.Hub.PutAsync($"/webhooks/{run}-dead", new JsonObject
        {
            ["url"] = $"http://127.0.0.1:{SystemUnderTest.FreePort()}/hooks/{run}-dead", ["eventTypes"] = new JsonArray("*"), ["jobIdPrefix"] = run,
        })).EnsureStatus(HttpStatusCode.OK);
        await SubscribeAsync(run, secret, ["*"], jobIdPrefix: run);

        (await system.Hub.PutAsync($"/jobs/v2/{run}", Fleet.MethodJob(run, $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
        await Ledger.EventuallyAsync(() => Task.FromResult(_receiver.Accepted(run).Any(e => WebhookEvents.Type(e) == "job.completed")));
        Assert.Equal(50, WebhookEvents.FirstArrivals(_receiver.Accepted(run)).Count(e => WebhookEvents.Type(e) == "deviceJob.completed"));
        Assert.True(_receiver.Accepted($"{run}-slow").Count == 0, "precondition: the hanging receiver has accepted nothing yet");
        var dead = await WebhookSubscriptions.DeliveryStateAsync(system.Hub, $"{run}-dead");
        Assert.Equal("retrying", (string?)dead["state"]);
        Assert.Equal("connection failed", (string?)dead["lastReason"]);
        Assert.Null(dead["lastStatusCode"]);

        hung.SetResult(200);
        await Ledger.EventuallyAsync(() => Task.FromResult(_receiver.Accepted($"{run}-slow").Any(e => WebhookEvents.Type(e) == "job.completed")));
        Assert.Equal(50, WebhookEvents.FirstArrivals(_receiver.Accepted($"{run}-slow")).Count(e => WebhookEvents.Type(e) == "deviceJob.completed"));
        await WebhookSubscriptions.DeleteAsync(system.Hub, $"{run}-dead");
    }

    [Fact]
    public async Task Jobs_api_killed_mid_delivery_sends_every_event_after_its_restart_in_order_repeats_under_the_same_ids()
    {
        const int devices = 400;
        var run = $"hookkill-{_run}";
        var secret = "a-secret-of-the-spec-" + _run;
        await Fleet.CreateStaggeredAsync(system.Hub, run, devices, run, maxLatencyMs: 8000);
        await SubscribeAsync(run, secret, ["*"], jobIdPrefix: run);

        (await system.Hub.PutAsync($"/jobs/v2/{run}", Fleet.MethodJob(run, $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
        await Ledger.EventuallyAsync(() => Task.FromResult(_receiver.Accepted(run).Count(e => WebhookEvents.Type(e) == "deviceJob.completed") >= 40));
        Assert.True(!_receiver.Accepted(run).Any(e => WebhookEvents.Type(e) == "job.completed"),
            "precondition: the job's events still stream in when jobs-api is killed");
        await system.RestartAsync("jobs-api"); // kill -9, then start again

        await Ledger.EventuallyAsync(() => Task.FromResult(_receiver.Accepted(run).Any(e => WebhookEvents.Type(e) == "job.completed")), TimeSpan.FromMinutes(2));
        var arrived = WebhookEvents.FirstArrivals(_receiver.Accepted(run));
        Assert.Equal(devices, arrived.Count(e => WebhookEvents.Type(e) == "deviceJob.completed"));
        Assert.All(_receiver.Deliveries(run), d => Assert.True(d.SignatureValid, $"delivery starting {d.FirstId} is signed with the subscription's secret"));
        await using var stream = await EventStreamReader.OpenAsync(system.Hub, $"/jobs/v2/{run}/events?devices=true");
        var logged = await stream.ReadToEndAsync();
        Assert.Equal(logged.Where(e => e.Type != "job.progress").Select(e => $"{e.Id} {e.Type}").ToList(), WebhookEvents.Stored(arrived));
    }

    private Task SubscribeAsync(string name, string secret, string[] eventTypes, string? jobIdPrefix = null) =>
        WebhookSubscriptions.PutAsync(system.Hub, _receiver, name, secret, eventTypes, jobIdPrefix);
}
