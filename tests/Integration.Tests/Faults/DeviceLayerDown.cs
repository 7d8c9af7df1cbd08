using Integration.Tests.Infrastructure;

namespace Integration.Tests.Faults;

/// <summary>
/// device-sim, the connection layer of every simulated device, killed until disposed, then started again and awaited
/// ready. Meanwhile no device can be called: a method job's commands wait in the broker and its device jobs stay
/// pending, so a spec holds jobs unfinished for exactly as long as it needs instead of counting on slow devices to
/// outlast its own steps.
/// </summary>
public sealed class DeviceLayerDown : IAsyncDisposable
{
    private readonly SystemUnderTest _system;
    private bool _restarted;

    private DeviceLayerDown(SystemUnderTest system) => _system = system;

    public static async Task<DeviceLayerDown> StopAsync(SystemUnderTest system)
    {
        await system.Services["device-sim"].KillAsync();
        return new DeviceLayerDown(system);
    }

    /// <summary>Starts device-sim again (once); later specs need it whatever happened.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_restarted) return;
        _restarted = true;
        await _system.RestartAsync("device-sim");
    }
}
