using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using DeviceGateway.Protocol;

namespace DeviceGateway.Connections;

/// <summary>
/// The devices this instance holds: the live connection of each (at most one; a second CONNECT with the same id takes
/// over), their sessions' state, and waiters for a device that is to connect and subscribe to methods within a call's
/// connect timeout.
/// </summary>
public sealed class ConnectedDevices
{
    private readonly ConcurrentDictionary<string, DeviceConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SessionState> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _changes = new(StringComparer.Ordinal);

    public int Count => _connections.Count;

    public IEnumerable<DeviceConnection> All => _connections.Values;

    public bool TryGet(string deviceId, [MaybeNullWhen(false)] out DeviceConnection connection) => _connections.TryGetValue(deviceId, out connection);

    /// <summary>The session of a device (created on first use); survives its connections.</summary>
    public SessionState Session(string deviceId) => _sessions.GetOrAdd(deviceId, _ => new SessionState());

    /// <summary>A CleanSession=1 CONNECT, or MQTTnet deleted the session: its subscriptions are gone.</summary>
    public void ForgetSession(string deviceId) => _sessions.TryRemove(deviceId, out _);

    public void Add(DeviceConnection connection)
    {
        if (_connections.TryGetValue(connection.DeviceId, out var previous) && previous != connection) previous.Dispose();
        _connections[connection.DeviceId] = connection;
        Changed(connection.DeviceId);
    }

    /// <summary>Removes the connection if it is still the device's current one.</summary>
    public bool Remove(string deviceId, Guid connectionId)
    {
        if (!_connections.TryGetValue(deviceId, out var current) || current.ConnectionId != connectionId) return false;
        if (!_connections.TryRemove(new KeyValuePair<string, DeviceConnection>(deviceId, current))) return false;
        current.Dispose();
        return true;
    }

    /// <summary>Connected here and subscribed to method requests: a call can be delivered.</summary>
    public bool TakesMethods(string deviceId) =>
        _connections.ContainsKey(deviceId) && _sessions.TryGetValue(deviceId, out var session) && session.Has(DeviceSubscription.Methods);

    /// <summary>Something about the device changed (connected, subscribed): wake whoever waits for it.</summary>
    public void Changed(string deviceId)
    {
        if (_changes.TryRemove(deviceId, out var waiting)) waiting.TrySetResult();
    }

    /// <summary>Waits until the device takes method calls, or the time is up; true when it does.</summary>
    public async Task<bool> WaitUntilTakesMethodsAsync(string deviceId, TimeSpan timeout, TimeProvider clock)
    {
        var deadline = clock.GetUtcNow() + timeout;
        while (true)
        {
            var change = _changes.GetOrAdd(deviceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (TakesMethods(deviceId)) return true;
            var left = deadline - clock.GetUtcNow();
            if (left <= TimeSpan.Zero) return false;
            try
            {
                await change.Task.WaitAsync(left, clock);
            }
            catch (TimeoutException)
            {
                return TakesMethods(deviceId);
            }
        }
    }
}
