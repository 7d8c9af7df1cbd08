using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Integration.Tests.DeviceGateway;

/// <summary>
/// A device as a real MQTTnet client over TLS, trusting only the test CA, speaking IoT Hub's device protocol the way
/// the SDKs do (docs/devices.md): user name <c>{host}/{deviceId}/?api-version=…</c>, a SAS token as password,
/// CleanSession=0. Everything the hub sends it is kept in order, to be awaited by topic.
/// </summary>
public sealed class MqttDevice : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly Channel<MqttApplicationMessage> _received = Channel.CreateUnbounded<MqttApplicationMessage>();
    private readonly List<MqttApplicationMessage> _seen = [];

    private MqttDevice(string deviceId, IMqttClient client)
    {
        DeviceId = deviceId;
        _client = client;
        _client.ApplicationMessageReceivedAsync += e => _received.Writer.WriteAsync(e.ApplicationMessage).AsTask();
        _client.DisconnectedAsync += _ =>
        {
            Disconnected.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public string DeviceId { get; }
    public bool IsConnected => _client.IsConnected;
    public TaskCompletionSource Disconnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Connects and returns the device, or the CONNACK code the hub refused it with.</summary>
    public static async Task<(MqttDevice? Device, MqttClientConnectResultCode Code)> TryConnectAsync(string caPath, int port, string deviceId,
        string password, bool cleanSession = false, string? userName = null, TimeSpan? keepAlive = null, bool webSocket = false)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caPath));
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithClientId(deviceId)
            .WithCredentials(userName ?? $"localhost/{deviceId}/?api-version=2021-04-12&DeviceClientType=integration-tests", password)
            .WithCleanSession(cleanSession)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithKeepAlivePeriod(keepAlive ?? TimeSpan.FromSeconds(60))
            .WithTimeout(TimeSpan.FromSeconds(20))
            .WithTlsOptions(tls => tls.UseTls(true).WithCertificateValidationHandler(context =>
            {
                if (context.Certificate is null) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(context.Certificate));
            }));
        options = webSocket
            ? options.WithWebSocketServer(ws => ws.WithUri($"wss://localhost:{port}/$iothub/websocket"))
            : options.WithTcpServer("localhost", port);
        try
        {
            var result = await client.ConnectAsync(options.Build());
            if (result.ResultCode == MqttClientConnectResultCode.Success) return (new MqttDevice(deviceId, client), result.ResultCode);
            client.Dispose();
            return (null, result.ResultCode);
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e)
        {
            client.Dispose();
            // MQTTnet 5 names the refused CONNACK's code only in the message ("… with reason BadUserNameOrPassword").
            var named = Enum.GetValues<MqttClientConnectResultCode>().Where(c => e.Message.Contains(c.ToString(), StringComparison.Ordinal))
                .OrderByDescending(c => c.ToString().Length).ToList();
            return (null, named.Count > 0 ? named[0] : MqttClientConnectResultCode.UnspecifiedError);
        }
    }

    public static async Task<MqttDevice> ConnectAsync(string caPath, int port, string deviceId, string password, bool cleanSession = false,
        bool webSocket = false)
    {
        var (device, code) = await TryConnectAsync(caPath, port, deviceId, password, cleanSession, webSocket: webSocket);
        return device ?? throw new Xunit.Sdk.XunitException($"{deviceId} was refused: {code}");
    }

    /// <summary>Subscribes one filter; returns the code of the SUBACK (0x80 = refused).</summary>
    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string filter, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtMostOnce)
    {
        var result = await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, qos).Build());
        return result.Items.Single().ResultCode;
    }

    public Task SubscribeMethodsAsync() => SubscribeAsync("$iothub/methods/POST/#");

    public async Task PublishAsync(string topic, string? body, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtMostOnce) =>
        await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic)
            .WithPayload(body is null ? [] : Encoding.UTF8.GetBytes(body)).WithQualityOfServiceLevel(qos).Build());

    public async Task PublishAsync(string topic, byte[] body) =>
        await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(body).Build());

    /// <summary>The next message whose topic starts with <paramref name="prefix"/> (others received meanwhile are kept).</summary>
    public async Task<MqttApplicationMessage> NextAsync(string prefix, TimeSpan? timeout = null)
    {
        lock (_seen)
        {
            var earlier = _seen.FirstOrDefault(m => m.Topic.StartsWith(prefix, StringComparison.Ordinal));
            if (earlier is not null)
            {
                _seen.Remove(earlier);
                return earlier;
            }
        }
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var message = await _received.Reader.ReadAsync(cts.Token);
            if (message.Topic.StartsWith(prefix, StringComparison.Ordinal)) return message;
            lock (_seen) _seen.Add(message);
        }
    }

    /// <summary>Everything received so far with this topic prefix, without waiting.</summary>
    public int CountReceived(string prefix)
    {
        while (_received.Reader.TryRead(out var message)) lock (_seen) _seen.Add(message);
        lock (_seen) return _seen.Count(m => m.Topic.StartsWith(prefix, StringComparison.Ordinal));
    }

    public static string Body(MqttApplicationMessage message) => Encoding.UTF8.GetString(message.Payload);

    public async Task<(int Status, JsonNode? Body)> GetTwinAsync()
    {
        var rid = Guid.NewGuid().ToString();
        await PublishAsync($"$iothub/twin/GET/?$rid={rid}", " ");
        var answer = await NextAsync($"$iothub/twin/res/");
        Assert.Contains($"?$rid={rid}", answer.Topic);
        var text = Body(answer);
        return (Status(answer.Topic), text.Length == 0 ? null : JsonNode.Parse(text));
    }

    public async Task<(int Status, string Topic, JsonNode? Body)> PatchReportedAsync(string patch)
    {
        var rid = Guid.NewGuid().ToString();
        await PublishAsync($"$iothub/twin/PATCH/properties/reported/?$rid={rid}", patch);
        var answer = await NextAsync($"$iothub/twin/res/");
        Assert.Contains($"?$rid={rid}", answer.Topic);
        var text = Body(answer);
        return (Status(answer.Topic), answer.Topic, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary><c>$iothub/twin/res/{status}/?…</c> or <c>$iothub/methods/…/{x}/?…</c>: the number before <c>/?</c>.</summary>
    public static int Status(string topic)
    {
        var end = topic.IndexOf("/?", StringComparison.Ordinal);
        var start = topic.LastIndexOf('/', end - 1) + 1;
        return int.Parse(topic[start..end]);
    }

    /// <summary>Answers every method request with <paramref name="status"/> and the request's own payload.</summary>
    public void AnswerMethods(int status = 200, Func<string, string?>? payload = null)
    {
        _ = Task.Run(async () =>
        {
            while (true)
            {
                MqttApplicationMessage request;
                try { request = await NextAsync("$iothub/methods/POST/", TimeSpan.FromHours(1)); }
                catch (Exception) { return; }
                var rid = request.Topic[(request.Topic.IndexOf("?$rid=", StringComparison.Ordinal) + 6)..];
                Requests.Enqueue(request.Topic);
                try { await PublishAsync($"$iothub/methods/res/{status}/?$rid={rid}", payload is null ? Body(request) : payload(Body(request))); }
                catch (Exception) { return; }
            }
        });
    }

    /// <summary>Topics of the method requests <see cref="AnswerMethods"/> answered.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

    public async Task DisconnectAsync()
    {
        if (_client.IsConnected) await _client.DisconnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try { await DisconnectAsync(); } catch (Exception) { }
        _client.Dispose();
    }
}
