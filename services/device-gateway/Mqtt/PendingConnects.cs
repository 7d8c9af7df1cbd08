using System.Collections.Concurrent;

namespace DeviceGateway.Mqtt;

/// <summary>What the CONNECT check learned (when the token runs out), handed to the connected event of the same client id.</summary>
public sealed class PendingConnects
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _expiries = new(StringComparer.Ordinal);

    public void Accepted(string deviceId, DateTimeOffset expiresAt) => _expiries[deviceId] = expiresAt;

    public DateTimeOffset? Take(string deviceId) => _expiries.TryRemove(deviceId, out var at) ? at : null;
}
