using System.Collections.Concurrent;
using IotHubJobs.Contracts.Devices;

namespace DeviceGateway.Methods;

/// <summary>
/// Method requests sent to devices and not answered yet, by device and <c>$rid</c>. A rid is this process's counter in
/// hex (docs/devices.md, "Protocol": only characters every SDK reads back verbatim); an answer with a rid nobody waits
/// for — late, repeated, another connection's or made up — is dropped.
/// </summary>
public sealed class PendingMethodCalls
{
    private readonly ConcurrentDictionary<(string DeviceId, string Rid), TaskCompletionSource<DeviceMethodOutcome>> _pending = new();
    private long _next;

    public (string Rid, Task<DeviceMethodOutcome> Answer) Expect(string deviceId)
    {
        var rid = Interlocked.Increment(ref _next).ToString("x");
        var answer = new TaskCompletionSource<DeviceMethodOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[(deviceId, rid)] = answer;
        return (rid, answer.Task);
    }

    public void Forget(string deviceId, string rid) => _pending.TryRemove((deviceId, rid), out _);

    /// <summary>False when nobody waits for this rid of this device.</summary>
    public bool Answer(string deviceId, string rid, DeviceMethodOutcome outcome) =>
        _pending.TryRemove((deviceId, rid), out var waiting) && waiting.TrySetResult(outcome);
}
