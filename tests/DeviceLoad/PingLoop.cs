namespace DeviceLoad;

/// <summary>
/// The devices' keep-alive traffic without MQTTnet's keep-alive: its client checks every 250 ms whether a PINGREQ is
/// due, a timer per client — 40,000 wake-ups a second for 10,000 devices, about a fifth of a core taken from the
/// server on the same two cores (docs/benchmarks.md, "Real devices"). The devices therefore CONNECT with keep-alive 0
/// and this one loop sends each of them a PINGREQ every <c>PingIntervalSeconds</c> (the Node SDK's 180 s), spread
/// evenly, so the server sees the pings a real fleet sends.
/// </summary>
public static class PingLoop
{
    public static async Task RunAsync(IReadOnlyList<LoadDevice> devices, TimeSpan interval, CancellationToken ct)
    {
        if (devices.Count == 0 || interval <= TimeSpan.Zero) return;
        var perSecond = (int)Math.Ceiling(devices.Count / interval.TotalSeconds);
        var next = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                for (var i = 0; i < perSecond; i++, next = (next + 1) % devices.Count)
                    if (devices[next].IsConnected) _ = PingQuietlyAsync(devices[next], ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task PingQuietlyAsync(LoadDevice device, CancellationToken ct)
    {
        try
        {
            await device.PingAsync(ct);
        }
        catch (Exception)
        {
            // a device that lost its connection is counted by the report, not here
        }
    }
}
