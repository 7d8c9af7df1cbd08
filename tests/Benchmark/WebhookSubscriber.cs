using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// The subscriber side of ./bench.sh --webhook: a receiver in this process subscribed with <c>PUT /webhooks/bench</c>
/// to the job's per-device outcomes (deviceJob.*) before the job is created, and, once the job has ended, the wait
/// until every one of its device outcomes has arrived. The hub must list 127.0.0.1 in HUB_WEBHOOK_ALLOWED_HOSTS
/// (bench.sh starts it so) to deliver to a plain-HTTP loopback receiver (docs/events.md, "Safety").
/// </summary>
public static class WebhookSubscriber
{
    /// <summary>How long the outcomes may take to arrive after the job ended before the run counts as not exact.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(15);

    public static async Task<WebhookReceiver> SubscribeAsync(HubHttp hub, string jobId)
    {
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var receiver = new WebhookReceiver(secret);
        await hub.SendAsync(HttpMethod.Put, "/webhooks/bench", new JsonObject
        {
            ["url"] = receiver.Url, ["eventTypes"] = new JsonArray("deviceJob.*"), ["jobIdPrefix"] = jobId, ["secret"] = secret,
        });
        return receiver;
    }

    /// <summary>
    /// Waits for <paramref name="devices"/> unique outcomes and returns the subscriber's figures: allDeliveredSeconds
    /// is the job's endTime to the arrival of the last new outcome (negative when every outcome arrived before the
    /// job's end was recorded); exact when all arrived, every signature was genuine and every job's events in order.
    /// </summary>
    public static async Task<JsonObject> AwaitOutcomesAsync(WebhookReceiver receiver, int devices, DateTimeOffset jobEnd)
    {
        var waiting = Stopwatch.StartNew();
        var all = await receiver.WaitForOutcomesAsync(devices, Deadline);
        var waited = waiting.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(1)); // a repeated delivery that is on its way still counts as a duplicate
        var figures = receiver.Figures();
        figures["allDelivered"] = all;
        figures["waitedAfterJobSeconds"] = Math.Round(waited.TotalSeconds, 2);
        figures["allDeliveredSeconds"] = all && receiver.LastOutcomeAt is { } last ? Math.Round((last - jobEnd).TotalSeconds, 2) : null;
        figures["exact"] = all && receiver.UniqueDeviceOutcomes == devices && receiver.Clean;
        Console.Error.WriteLine($"webhook: {receiver.UniqueDeviceOutcomes} of {devices} device outcomes after the job " +
                                $"(waited {waited.TotalSeconds:F1} s): {figures.ToJsonString()}");
        return figures;
    }
}
