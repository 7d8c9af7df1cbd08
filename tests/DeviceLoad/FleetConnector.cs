using System.Diagnostics;
using MQTTnet;

namespace DeviceLoad;

/// <summary>
/// Connects and subscribes every device, <c>ConnectConcurrency</c> at a time (a burst of thousands of TLS handshakes at
/// once only overflows the server's accept backlog and times out). A CONNACK 3 (server unavailable: the gateway's
/// connect rate per address, or its registry did not answer) or a failed connection is tried again after a backoff with
/// jitter, 100 ms doubling to 10 s, as the device SDKs do; a device still not connected after five minutes counts as
/// failed. Answers how long it took and how many attempts were repeated.
/// </summary>
public sealed class FleetConnector(IReadOnlyList<LoadDevice> devices, int concurrency)
{
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromMinutes(5);

    public sealed record Result(int Connected, int Failed, double Seconds, long Retries, IReadOnlyList<string> FirstErrors);

    public async Task<Result> ConnectAllAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long retries = 0, connected = 0, failed = 0;
        var errors = new List<string>();
        await Parallel.ForEachAsync(devices, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct }, async (device, token) =>
        {
            var deadline = Stopwatch.StartNew();
            var backoff = TimeSpan.FromMilliseconds(100);
            while (true)
            {
                string? problem;
                try
                {
                    var code = await device.ConnectAsync(token);
                    if (code == MqttClientConnectResultCode.Success)
                    {
                        await device.SubscribeAsync(token);
                        Interlocked.Increment(ref connected);
                        return;
                    }
                    problem = $"CONNACK {code}";
                }
                catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                {
                    problem = $"{e.GetType().Name}: {e.Message}";
                }
                if (deadline.Elapsed > GiveUpAfter)
                {
                    Interlocked.Increment(ref failed);
                    lock (errors) if (errors.Count < 5) errors.Add($"{device.DeviceId}: {problem}");
                    return;
                }
                Interlocked.Increment(ref retries);
                await Task.Delay(backoff + TimeSpan.FromMilliseconds(Random.Shared.Next((int)backoff.TotalMilliseconds)), token);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        });
        return new Result((int)connected, (int)failed, Math.Round(clock.Elapsed.TotalSeconds, 2), retries, errors);
    }
}
