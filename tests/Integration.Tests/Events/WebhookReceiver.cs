using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Integration.Tests.Events;

/// <summary>One POST a receiver got, checked: signature, timestamp, content type, and the CloudEvents in it.</summary>
public sealed record ReceivedDelivery(string Path, string ContentType, bool SignatureValid, long Timestamp, IReadOnlyList<JsonNode> Events, int AnsweredWith)
{
    public string FirstId => (string)Events[0]["id"]!;
}

/// <summary>
/// A real HTTP receiver of webhook deliveries: Kestrel in the test process on 127.0.0.1 (allowed by the fixture's
/// <c>Webhooks__AllowedHosts</c>). Each path is one subscriber with its own secret; it verifies every signature the
/// way docs/events.md tells receivers to, and answers what the spec tells it to (200 by default).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _secrets = new();
    private readonly ConcurrentDictionary<string, Func<int, Task<int>>> _answers = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ReceivedDelivery>> _received = new();
    private readonly ConcurrentDictionary<string, int> _requests = new();

    private WebhookReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = Infrastructure.SystemUnderTest.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, port);
        app.MapPost("/hooks/{name}", (Func<string, HttpContext, Task<IResult>>)receiver.ReceiveAsync);
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The URL of one subscriber; its deliveries are verified with <paramref name="secret"/>.</summary>
    public string Subscriber(string name, string secret)
    {
        _secrets[name] = secret;
        return $"http://127.0.0.1:{Port}/hooks/{name}";
    }

    /// <summary>How the subscriber answers its n-th request (from 1): a status code, after whatever delay the function takes.</summary>
    public void Answer(string name, Func<int, Task<int>> answer) => _answers[name] = answer;

    public IReadOnlyList<ReceivedDelivery> Deliveries(string name) => _received.TryGetValue(name, out var q) ? q.ToList() : [];

    public int Requests(string name) => _requests.GetValueOrDefault(name);

    /// <summary>Every event of every accepted delivery (answered 2xx), in arrival order, repeats included.</summary>
    public List<JsonNode> Accepted(string name) =>
        Deliveries(name).Where(d => d.AnsweredWith is >= 200 and < 300).SelectMany(d => d.Events).ToList();

    private async Task<IResult> ReceiveAsync(string name, HttpContext http)
    {
        var n = _requests.AddOrUpdate(name, 1, (_, c) => c + 1);
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var timestamp = http.Request.Headers["X-IotHubJobs-Timestamp"].ToString();
        var signature = http.Request.Headers["X-IotHubJobs-Signature"].ToString();
        var valid = _secrets.TryGetValue(name, out var secret) && IsGenuine(body, timestamp, signature, secret)
                    && http.Request.Headers["X-IotHubJobs-Webhook"].ToString() == name;
        var contentType = http.Request.ContentType ?? "";
        var parsed = JsonNode.Parse(body)!;
        IReadOnlyList<JsonNode> events = parsed is JsonArray batch ? batch.Select(e => e!).ToList() : [parsed];
        var status = _answers.TryGetValue(name, out var answer) ? await answer(n) : 200;
        _received.GetOrAdd(name, _ => new ConcurrentQueue<ReceivedDelivery>())
            .Enqueue(new ReceivedDelivery(name, contentType, valid, long.TryParse(timestamp, out var t) ? t : 0, events, status));
        // A redirect points at another subscriber path of this receiver, so a spec sees whether the hub followed it.
        if (status is >= 300 and < 400) http.Response.Headers.Location = $"/hooks/{RedirectTarget(name)}";
        // Every answer carries a body the hub must never store or echo (docs/events.md, "Safety").
        return Results.Text(AnswerBody(name), "text/plain", statusCode: status);
    }

    /// <summary>The text every answer to this subscriber carries in its body.</summary>
    public static string AnswerBody(string name) => $"receiver-private-answer-of-{name}";

    /// <summary>Where a 3xx answer to this subscriber points (a path of this receiver).</summary>
    public static string RedirectTarget(string name) => $"{name}-redirected";

    /// <summary>The verification docs/events.md ("Signatures") gives receivers, in C#.</summary>
    public static bool IsGenuine(byte[] body, string timestamp, string signature, string secret)
    {
        if (!long.TryParse(timestamp, out var seconds) || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300) return false;
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(body).ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
