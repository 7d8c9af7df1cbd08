using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// The subscriber of ./bench.sh --webhook: a plain-HTTP receiver on a free loopback port in the Benchmark process. It
/// verifies every POST's signature as docs/events.md ("Signatures") tells receivers to (a bad one is answered 401 and
/// counted), reads single and batched CloudEvents, and counts what arrived: POSTs, batches, events, unique device
/// outcomes (job id + device id of deviceJob.* events), duplicates (a CloudEvent id seen again), and events that came
/// after a later one of the same job (ids compare as sequence, then index — docs/events.md, "Ids").
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _secret;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly object _gate = new();
    private readonly HashSet<string> _ids = [];
    private readonly HashSet<(string Job, string Device)> _outcomes = [];
    private readonly Dictionary<string, (long Sequence, long Index)> _lastIdPerJob = [];
    private readonly Task _serving;
    private long _posts, _batches, _events, _duplicates, _badSignatures, _outOfOrder, _unreadable;
    private DateTimeOffset? _lastOutcomeAt;

    public WebhookReceiver(string secret)
    {
        _secret = secret;
        Port = FreeLoopbackPort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}/hooks/bench";

    public int UniqueDeviceOutcomes { get { lock (_gate) return _outcomes.Count; } }

    /// <summary>When the latest new device outcome arrived (null: none yet).</summary>
    public DateTimeOffset? LastOutcomeAt { get { lock (_gate) return _lastOutcomeAt; } }

    /// <summary>Waits until <paramref name="expected"/> device outcomes arrived or the deadline passed.</summary>
    public async Task<bool> WaitForOutcomesAsync(int expected, TimeSpan deadline)
    {
        var until = Stopwatch.StartNew();
        while (UniqueDeviceOutcomes < expected && until.Elapsed < deadline) await Task.Delay(100);
        return UniqueDeviceOutcomes >= expected;
    }

    public JsonObject Figures()
    {
        lock (_gate)
            return new JsonObject
            {
                ["posts"] = _posts, ["batches"] = _batches, ["events"] = _events, ["uniqueDeviceOutcomes"] = _outcomes.Count,
                ["duplicates"] = _duplicates, ["badSignatures"] = _badSignatures, ["unreadable"] = _unreadable,
                ["outOfOrder"] = _outOfOrder,
                ["meanEventsPerPost"] = _posts == 0 ? 0 : Math.Round((double)_events / _posts, 1),
            };
    }

    /// <summary>Nothing wrong arrived: every signature genuine, every body readable, every job's events in order.</summary>
    public bool Clean { get { lock (_gate) return _badSignatures == 0 && _unreadable == 0 && _outOfOrder == 0; } }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (!_listener.IsListening) { return; }
            catch (HttpListenerException) { return; }
            catch (ObjectDisposedException) { return; }
            _ = Task.Run(() => ReceiveAsync(context));
        }
    }

    private async Task ReceiveAsync(HttpListenerContext context)
    {
        try
        {
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            var body = buffer.ToArray();
            var genuine = IsGenuine(body, context.Request.Headers["X-IotHubJobs-Timestamp"] ?? "",
                context.Request.Headers["X-IotHubJobs-Signature"] ?? "", _secret, DateTimeOffset.UtcNow)
                && context.Request.Headers["X-IotHubJobs-Webhook"] == "bench";
            context.Response.StatusCode = genuine ? Count(body, context.Request.ContentType ?? "") : 401;
            if (!genuine) lock (_gate) _badSignatures++;
        }
        catch (Exception)
        {
            lock (_gate) _unreadable++;
            context.Response.StatusCode = 400;
        }
        finally
        {
            context.Response.Close();
        }
    }

    /// <returns>The status to answer: 204 for a batch that was read, 400 for one that was not.</returns>
    private int Count(byte[] body, string contentType)
    {
        using var json = JsonDocument.Parse(body);
        var batch = contentType.StartsWith("application/cloudevents-batch+json", StringComparison.OrdinalIgnoreCase);
        if (batch != (json.RootElement.ValueKind == JsonValueKind.Array)) { lock (_gate) _unreadable++; return 400; }
        var events = batch ? json.RootElement.EnumerateArray().ToList() : [json.RootElement];
        var arrivedAt = _startedAt + _clock.Elapsed;
        lock (_gate)
        {
            _posts++;
            if (batch) _batches++;
            foreach (var e in events)
            {
                _events++;
                var id = e.GetProperty("id").GetString()!;
                if (!_ids.Add(id)) { _duplicates++; continue; }
                var data = e.GetProperty("data");
                var job = data.GetProperty("jobId").GetString()!;
                var position = Position(id);
                if (_lastIdPerJob.TryGetValue(job, out var last) && position.CompareTo(last) < 0) _outOfOrder++;
                else _lastIdPerJob[job] = position;
                if (e.GetProperty("type").GetString()!.StartsWith("deviceJob.", StringComparison.Ordinal)
                    && _outcomes.Add((job, data.GetProperty("deviceId").GetString()!)))
                    _lastOutcomeAt = arrivedAt;
            }
        }
        return 204;
    }

    /// <summary>An event id <c>S</c> or <c>S.i</c> as (sequence, index), the order docs/events.md ("Ids") defines.</summary>
    public static (long Sequence, long Index) Position(string id)
    {
        var dot = id.IndexOf('.');
        return dot < 0 ? (long.Parse(id), 0) : (long.Parse(id[..dot]), long.Parse(id[(dot + 1)..]));
    }

    /// <summary>The verification docs/events.md ("Signatures") gives receivers, in C#.</summary>
    public static bool IsGenuine(byte[] body, string timestamp, string signature, string secret, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, out var seconds) || Math.Abs(now.ToUnixTimeSeconds() - seconds) > 300) return false;
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }

    private static int FreeLoopbackPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}
