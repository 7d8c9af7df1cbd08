using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Benchmark;
using JobsApi.Webhooks;

namespace Unit.Tests.Benchmark;

/// <summary>
/// The subscriber of ./bench.sh --webhook, over real HTTP on loopback, given POSTs signed the way the hub signs them
/// (services/jobs-api/Webhooks/WebhookSignature.cs): it counts what a benchmark must not overlook.
/// </summary>
public sealed class WebhookReceiverSpecs : IDisposable
{
    private const string Secret = "a-secret-of-the-benchmark-0123456789";
    private readonly WebhookReceiver _receiver = new(Secret);
    private readonly HttpClient _http = new();

    private static JsonObject Outcome(string id, string job, string device) => new()
    {
        ["specversion"] = "1.0", ["id"] = id, ["source"] = $"/jobs/v2/{job}", ["type"] = "deviceJob.completed", ["subject"] = device,
        ["data"] = new JsonObject { ["jobId"] = job, ["deviceId"] = device, ["status"] = "completed" },
    };

    private async Task<HttpStatusCode> PostAsync(JsonNode body, string? signedWith = Secret, Func<byte[], byte[]>? alter = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, _receiver.Url);
        request.Content = new ByteArrayContent(alter?.Invoke(bytes) ?? bytes);
        request.Content.Headers.TryAddWithoutValidation("Content-Type", body is JsonArray
            ? "application/cloudevents-batch+json; charset=utf-8" : "application/cloudevents+json; charset=utf-8");
        request.Headers.Add(WebhookSignature.NameHeader, "bench");
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(signedWith ?? "another-secret-entirely-000", timestamp, bytes));
        using var answer = await _http.SendAsync(request);
        return answer.StatusCode;
    }

    [Fact]
    public async Task Batches_and_single_events_signed_by_the_hub_are_counted_once_per_device()
    {
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(new JsonArray(Outcome("7.1", "j", "d1"), Outcome("7.2", "j", "d2"))));
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(Outcome("8.1", "j", "d3")));
        Assert.Equal(HttpStatusCode.NoContent, await PostAsync(new JsonArray(Outcome("7.2", "j", "d2"), Outcome("9.1", "j", "d4"))));

        var figures = _receiver.Figures();
        Assert.Equal(4, _receiver.UniqueDeviceOutcomes);
        Assert.Equal(3, (long)figures["posts"]!);
        Assert.Equal(2, (long)figures["batches"]!);
        Assert.Equal(5, (long)figures["events"]!);
        Assert.Equal(1, (long)figures["duplicates"]!);
        Assert.True(_receiver.Clean);
    }

    [Fact]
    public async Task A_changed_body_or_another_secret_is_refused_and_counted_as_a_bad_signature()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Outcome("7.1", "j", "d1"), alter: b => [.. b, (byte)' ']));
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(Outcome("7.1", "j", "d1"), signedWith: null));

        Assert.Equal(2, (long)_receiver.Figures()["badSignatures"]!);
        Assert.Equal(0, _receiver.UniqueDeviceOutcomes);
        Assert.False(_receiver.Clean);
    }

    [Fact]
    public async Task An_event_before_a_later_one_of_its_job_is_out_of_order_ids_compare_as_numbers()
    {
        await PostAsync(new JsonArray(Outcome("9.2", "j", "d1"), Outcome("9.10", "j", "d2"), Outcome("10", "k", "d3")));
        Assert.True(_receiver.Clean); // 9.2 < 9.10, and another job's events do not count

        await PostAsync(Outcome("9.3", "j", "d4"));
        Assert.Equal(1, (long)_receiver.Figures()["outOfOrder"]!);
    }

    public void Dispose()
    {
        _http.Dispose();
        _receiver.Dispose();
    }
}
