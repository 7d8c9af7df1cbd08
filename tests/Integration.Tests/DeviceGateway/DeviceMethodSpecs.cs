using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using IotHubJobs.Contracts.Devices;

namespace Integration.Tests.DeviceGateway;

/// <summary>
/// Direct methods reach connected devices (docs/devices.md, "Direct methods"). The call goes to the instance's queue
/// directly, as jobs-api will once it routes by presence.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DeviceMethodSpecs(SystemUnderTest system) : IAsyncLifetime
{
    private readonly RealDevices _devices = new(system);
    private DeviceLayerCaller _caller = null!;

    public async Task InitializeAsync() => _caller = await DeviceLayerCaller.StartAsync(system.RabbitMqUri, "device-gateway-spec-replies");

    public async Task DisposeAsync() => await _caller.DisposeAsync();

    private async Task<DeviceMethodOutcome> CallAsync(string deviceId, string method, string? payload, int responseTimeout = 10, int connectTimeout = 0,
        Guid? callId = null)
    {
        var request = new CallDeviceMethods(callId ?? Guid.NewGuid(), _caller.ReplyQueue, DateTimeOffset.UtcNow.AddMinutes(2),
            [new DeviceMethodCall(deviceId, method, payload, responseTimeout, connectTimeout, null)]);
        await _caller.SendAsync(request, RealDevices.Queue("device-gateway"));
        while (true)
        {
            var reply = await _caller.NextReplyAsync();
            if (reply.CallId == request.CallId) return reply.Outcomes.Single();
        }
    }

    [Fact]
    public async Task A_connected_device_answers_with_its_own_status_and_payload()
    {
        var device = await _devices.RegisterAsync("method-answer");
        await using var client = await _devices.ConnectAsync(device);
        await client.SubscribeMethodsAsync();
        client.AnswerMethods(status: 201, payload: body => $$"""{"got":{{body}}}""");

        var outcome = await CallAsync(device.DeviceId, "reboot", """{"delay":5}""");
        Assert.Equal(DeviceMethodOutcomeKind.Responded, outcome.Kind);
        Assert.Equal(201, outcome.Status);
        Assert.Equal(5, (int)JsonNode.Parse(outcome.PayloadJson!)!["got"]!["delay"]!);
        Assert.StartsWith("$iothub/methods/POST/reboot/?$rid=", client.Requests.Single());
    }

    [Fact]
    public async Task A_call_without_payload_sends_null_and_an_empty_answer_is_null()
    {
        var device = await _devices.RegisterAsync("method-null");
        await using var client = await _devices.ConnectAsync(device);
        await client.SubscribeMethodsAsync();
        var call = CallAsync(device.DeviceId, "ping", null);
        var request = await client.NextAsync("$iothub/methods/POST/ping/");
        Assert.Equal("null", MqttDevice.Body(request));
        var rid = request.Topic[(request.Topic.IndexOf("?$rid=", StringComparison.Ordinal) + 6)..];
        await client.PublishAsync($"$iothub/methods/res/200/?$rid={rid}", (string?)null);
        var outcome = await call;
        Assert.Equal(200, outcome.Status);
        Assert.Null(outcome.PayloadJson);
    }

    [Fact]
    public async Task A_device_that_is_not_connected_or_not_subscribed_is_not_online()
    {
        var absent = await _devices.RegisterAsync("method-absent");
        Assert.Equal(DeviceMethodOutcomeKind.DeviceNotOnline, (await CallAsync(absent.DeviceId, "reboot", "{}")).Kind);

        var unsubscribed = await _devices.RegisterAsync("method-unsubscribed");
        await using var client = await _devices.ConnectAsync(unsubscribed);
        Assert.Equal(DeviceMethodOutcomeKind.DeviceNotOnline, (await CallAsync(unsubscribed.DeviceId, "reboot", "{}")).Kind);
    }

    [Fact]
    public async Task A_device_that_connects_within_the_connect_timeout_gets_the_call()
    {
        var device = await _devices.RegisterAsync("method-late");
        var call = CallAsync(device.DeviceId, "reboot", "{}", connectTimeout: 60);
        await Task.Delay(1000);
        await using var client = await _devices.ConnectAsync(device);
        client.AnswerMethods();
        await client.SubscribeMethodsAsync();
        Assert.Equal(DeviceMethodOutcomeKind.Responded, (await call).Kind);
    }

    [Fact]
    public async Task A_subscribed_device_that_does_not_answer_times_out_and_one_over_128_KB_gave_no_answer()
    {
        var silent = await _devices.RegisterAsync("method-silent");
        await using var quiet = await _devices.ConnectAsync(silent);
        await quiet.SubscribeMethodsAsync();
        Assert.Equal(DeviceMethodOutcomeKind.ResponseTimedOut, (await CallAsync(silent.DeviceId, "reboot", "{}", responseTimeout: 5)).Kind);

        var large = await _devices.RegisterAsync("method-large");
        await using var talker = await _devices.ConnectAsync(large);
        await talker.SubscribeMethodsAsync();
        talker.AnswerMethods(payload: _ => $"\"{new string('x', 140_000)}\"");
        Assert.Equal(DeviceMethodOutcomeKind.ResponseTimedOut, (await CallAsync(large.DeviceId, "reboot", "{}", responseTimeout: 30)).Kind);
        Assert.True(talker.IsConnected);
    }

    [Fact]
    public async Task A_call_delivered_again_is_answered_from_its_record_and_reaches_the_device_once()
    {
        var device = await _devices.RegisterAsync("method-again");
        await using var client = await _devices.ConnectAsync(device);
        await client.SubscribeMethodsAsync();
        client.AnswerMethods();
        var callId = Guid.NewGuid();
        var first = await CallAsync(device.DeviceId, "reboot", """{"n":1}""", callId: callId);
        var again = await CallAsync(device.DeviceId, "reboot", """{"n":1}""", callId: callId);
        Assert.Equal(DeviceMethodOutcomeKind.Responded, first.Kind);
        Assert.Equal(first, again);
        Assert.Single(client.Requests);
    }

    [Fact]
    public async Task An_answer_with_an_unknown_rid_is_ignored_and_the_device_stays_connected()
    {
        var device = await _devices.RegisterAsync("method-rid");
        await using var client = await _devices.ConnectAsync(device);
        await client.SubscribeMethodsAsync();
        await client.PublishAsync("$iothub/methods/res/200/?$rid=made-up", "{}");
        client.AnswerMethods();
        Assert.Equal(DeviceMethodOutcomeKind.Responded, (await CallAsync(device.DeviceId, "reboot", "{}")).Kind);
        Assert.True(client.IsConnected);
    }
}
