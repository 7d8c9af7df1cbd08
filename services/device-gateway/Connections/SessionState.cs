using System.Text.Json.Nodes;

namespace DeviceGateway.Connections;

/// <summary>
/// What belongs to a device's MQTT session rather than to one connection (docs/devices.md, "Protocol"): its
/// subscriptions — a CleanSession=0 session keeps them across reconnects, and Node's SDK never subscribes again after a
/// token renewal — and the last desired properties it was given (by a twin GET or a notification), so a notification
/// never goes out older than what the device already has, and deletions can be told as <c>null</c>s.
/// </summary>
public sealed class SessionState
{
    private readonly object _lock = new();
    private readonly HashSet<Protocol.DeviceSubscription> _subscriptions = [];

    /// <summary>Held while desired properties are sent or read for the device, so they go out in version order.</summary>
    public SemaphoreSlim DesiredOrder { get; } = new(1, 1);

    public long DesiredVersion { get; private set; }
    public JsonObject? DesiredValues { get; private set; }

    public bool Has(Protocol.DeviceSubscription subscription)
    {
        lock (_lock) return _subscriptions.Contains(subscription);
    }

    public void Subscribe(Protocol.DeviceSubscription subscription)
    {
        lock (_lock) _subscriptions.Add(subscription);
    }

    public void Unsubscribe(Protocol.DeviceSubscription subscription)
    {
        lock (_lock) _subscriptions.Remove(subscription);
    }

    /// <summary>Records what the device now has; callers hold <see cref="DesiredOrder"/>.</summary>
    public void Gave(long version, JsonObject values)
    {
        DesiredVersion = version;
        DesiredValues = values;
    }
}
