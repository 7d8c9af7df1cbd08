namespace DeviceLoad;

/// <summary>
/// What every device saw, by device index, for the benchmark's exactness checks (docs/benchmarks.md, "Real devices"):
/// method requests it answered (each one is an execution), desired notifications it applied, reported patches the hub
/// acknowledged with 204, answers it did not expect, and connections lost. Incremented from the devices' receive loops.
/// </summary>
public sealed class DeviceCounters(int devices)
{
    private readonly int[] _methodRequests = new int[devices];
    private readonly int[] _desiredNotifications = new int[devices];
    private readonly int[] _reportedAcknowledged = new int[devices];
    private long _unexpected;
    private long _disconnected;

    public void MethodRequest(int device) => Interlocked.Increment(ref _methodRequests[device]);
    public void DesiredNotification(int device) => Interlocked.Increment(ref _desiredNotifications[device]);
    public void ReportedAcknowledged(int device) => Interlocked.Increment(ref _reportedAcknowledged[device]);
    public void Unexpected() => Interlocked.Increment(ref _unexpected);

    /// <summary>A device lost its connection; the first ten are told on stderr with the reason.</summary>
    public void Disconnected(string deviceId, string reason)
    {
        if (Interlocked.Increment(ref _disconnected) <= 10) Console.Error.WriteLine($"device-load: {deviceId} lost its connection: {reason}");
    }

    public sealed record Tally(long Total, int Devices, int MaxPerDevice);

    public Tally MethodRequests => Count(_methodRequests);
    public Tally DesiredNotifications => Count(_desiredNotifications);
    public Tally ReportedAcknowledgements => Count(_reportedAcknowledged);
    public long UnexpectedMessages => Interlocked.Read(ref _unexpected);
    public long Disconnections => Interlocked.Read(ref _disconnected);

    private static Tally Count(int[] perDevice)
    {
        long total = 0;
        int devices = 0, max = 0;
        foreach (var n in perDevice.Select(n => Volatile.Read(ref n)))
        {
            total += n;
            if (n > 0) devices++;
            max = Math.Max(max, n);
        }
        return new Tally(total, devices, max);
    }
}
