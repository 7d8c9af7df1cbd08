using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace DeviceLoad;

/// <summary>
/// One device: a real MQTTnet client speaking IoT Hub's device protocol as the SDKs do (docs/devices.md, "Protocol"):
/// user name <c>{host}/{deviceId}/?api-version=…</c>, its own SAS token, CleanSession=0. It answers every method request
/// at once with 200 <c>{"rebooted":true}</c>, and applies every desired change by reporting its values back as reported
/// properties, as device-sim acknowledges desired changes (services/device-sim/Twins).
/// </summary>
public sealed class LoadDevice(int index, string deviceId, string key, LoadOptions options, DeviceStreams streams, DeviceCounters counters)
{
    private static readonly byte[] MethodAnswer = Encoding.UTF8.GetBytes("""{"rebooted":true}""");
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private TaskCompletionSource<string>? _twinAnswer;
    private string? _twinRid;
    private volatile bool _leaving;

    public string DeviceId => deviceId;
    public bool IsConnected => _client.IsConnected;

    /// <summary>CONNECT; the CONNACK's code (3, server unavailable, means try again later, as the SDKs do).</summary>
    public async Task<MqttClientConnectResultCode> ConnectAsync(CancellationToken ct)
    {
        var connect = new MqttClientOptionsBuilder()
            .WithTcpServer(IPAddress.Loopback.ToString(), options.Port)
            .WithStreamProvider(streams)
            .WithClientId(deviceId)
            .WithCredentials($"{options.Host}/{deviceId}/?api-version=2021-04-12&DeviceClientType=iothub-device-load",
                DeviceToken.Create(options.Host, deviceId, key, DateTimeOffset.UtcNow.AddHours(1)))
            .WithCleanSession(false)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(options.KeepAliveSeconds))
            .WithTimeout(TimeSpan.FromSeconds(60))
            .Build();
        _client.ApplicationMessageReceivedAsync -= ReceivedAsync;
        _client.ApplicationMessageReceivedAsync += ReceivedAsync;
        _client.DisconnectedAsync -= DisconnectedAsync;
        _client.DisconnectedAsync += DisconnectedAsync;
        try
        {
            return (await _client.ConnectAsync(connect, ct)).ResultCode;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e)
        {
            // MQTTnet 5 names a refused CONNACK's code only in the message ("… with reason ServerUnavailable").
            return Enum.GetValues<MqttClientConnectResultCode>().Where(c => e.Message.Contains(c.ToString(), StringComparison.Ordinal))
                .OrderByDescending(c => c.ToString().Length).FirstOrDefault(MqttClientConnectResultCode.UnspecifiedError);
        }
    }

    /// <summary>The subscriptions of the profile, in the order the Node SDK sends them.</summary>
    public async Task SubscribeAsync(CancellationToken ct)
    {
        if (options.Profile == "method")
        {
            await SubscribeAsync("$iothub/methods/POST/#", ct);
            return;
        }
        await SubscribeAsync("$iothub/twin/res/#", ct);
        _twinRid = Guid.NewGuid().ToString();
        _twinAnswer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await PublishAsync($"$iothub/twin/GET/?$rid={_twinRid}", " "u8.ToArray(), ct);
        var status = await _twinAnswer.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
        if (status != "200") throw new InvalidOperationException($"{deviceId}: twin GET answered {status}");
        await SubscribeAsync("$iothub/twin/PATCH/properties/desired/#", ct);
    }

    public Task PingAsync(CancellationToken ct) => _client.PingAsync(ct);

    public async Task DisconnectAsync()
    {
        _leaving = true;
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync();
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
        {
            // leaving anyway
        }
        _client.Dispose();
    }

    private async Task SubscribeAsync(string filter, CancellationToken ct)
    {
        var result = await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtMostOnce).Build(), ct);
        var code = result.Items.Single().ResultCode;
        if (code != MqttClientSubscribeResultCode.GrantedQoS0) throw new InvalidOperationException($"{deviceId}: SUBSCRIBE {filter} answered {code}");
    }

    private Task PublishAsync(string topic, byte[] body, CancellationToken ct) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(body)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build(), ct);

    private async Task ReceivedAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var topic = e.ApplicationMessage.Topic;
        if (topic.StartsWith("$iothub/methods/POST/", StringComparison.Ordinal))
        {
            counters.MethodRequest(index);
            await PublishAsync($"$iothub/methods/res/200/?$rid={Rid(topic)}", MethodAnswer, CancellationToken.None);
        }
        else if (topic.StartsWith("$iothub/twin/PATCH/properties/desired/", StringComparison.Ordinal))
        {
            counters.DesiredNotification(index);
            if (JsonNode.Parse(e.ApplicationMessage.Payload.ToArray()) is not JsonObject desired)
            {
                counters.Unexpected();
                return;
            }
            desired.Remove("$version");
            await PublishAsync($"$iothub/twin/PATCH/properties/reported/?$rid={Guid.NewGuid()}", Encoding.UTF8.GetBytes(desired.ToJsonString()),
                CancellationToken.None);
        }
        else if (topic.StartsWith("$iothub/twin/res/", StringComparison.Ordinal))
        {
            var status = topic["$iothub/twin/res/".Length..topic.IndexOf("/?", StringComparison.Ordinal)];
            if (_twinRid is not null && Rid(topic) == _twinRid)
            {
                _twinRid = null;
                _twinAnswer?.TrySetResult(status);
            }
            else if (status == "204") counters.ReportedAcknowledged(index);
            else counters.Unexpected();
        }
        else counters.Unexpected();
    }

    /// <summary>A connection lost after it was made (not a refused CONNECT) is counted, and the first few are told on stderr.</summary>
    private Task DisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (e.ClientWasConnected && !_leaving) counters.Disconnected(deviceId, $"{e.Reason} {e.ReasonString} {e.Exception?.GetType().Name}: {e.Exception?.Message}");
        return Task.CompletedTask;
    }

    /// <summary>The <c>$rid</c> of <c>…/?$rid={rid}[&amp;…]</c>.</summary>
    private static string Rid(string topic)
    {
        var start = topic.IndexOf("?$rid=", StringComparison.Ordinal) + 6;
        var end = topic.IndexOf('&', start);
        return end < 0 ? topic[start..] : topic[start..end];
    }
}
