using System.Threading.RateLimiting;

namespace DeviceGateway.Connections;

/// <summary>
/// One live MQTT connection of a device at this instance: its id (a reconnect is a new one), when its token runs out,
/// its publish budget, and its latest activity, which <see cref="Presence.ActivityFlush"/> writes in batches.
/// </summary>
public sealed class DeviceConnection(string deviceId, Guid connectionId, string remote, DateTimeOffset expiresAt, RateLimiter publishes, DateTimeOffset connectedAt)
    : IDisposable
{
    private long _lastActivityTicks = connectedAt.UtcTicks;

    public string DeviceId => deviceId;
    public Guid ConnectionId => connectionId;
    /// <summary>The peer's address and port: tells this connection's events from those of the one it replaced.</summary>
    public string Remote => remote;
    public DateTimeOffset ExpiresAt => expiresAt;
    /// <summary>Cancelled when the connection ends; ends the token-expiry timer with it.</summary>
    public CancellationTokenSource Closed { get; } = new();

    public DateTimeOffset LastActivity => new(Interlocked.Read(ref _lastActivityTicks), TimeSpan.Zero);

    /// <summary>
    /// Its presence row is written. Until then a presence row naming another connection (or none) says nothing about
    /// this one: it was accepted here and is being recorded (Presence/ActivityFlush.cs).
    /// </summary>
    public bool InPresence { get; private set; }

    public void RecordedInPresence() => InPresence = true;

    public void Touch(DateTimeOffset at) => Interlocked.Exchange(ref _lastActivityTicks, at.UtcTicks);

    /// <summary>False when the device publishes faster than its budget allows.</summary>
    public bool TryPublish() => publishes.AttemptAcquire().IsAcquired;

    public void Dispose()
    {
        Closed.Cancel();
        Closed.Dispose();
        publishes.Dispose();
    }
}
