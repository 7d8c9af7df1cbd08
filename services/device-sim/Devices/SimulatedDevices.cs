using System.Text.Json.Nodes;
using IotHubJobs.Registry;

namespace DeviceSim.Devices;

/// <summary>The devices this simulator answers for: every device of the registry, with its steering tags.</summary>
public sealed class SimulatedDevices(DeviceRegistry registry)
{
    public async Task<Dictionary<string, SimulatedBehaviour>> LoadAsync(IReadOnlyCollection<string> deviceIds, CancellationToken ct)
    {
        var tags = await registry.SimulationTagsAsync(deviceIds, ct);
        return tags.ToDictionary(t => t.Key, t => SimulatedBehaviour.From(t.Value.Status, t.Value.SimJson is null ? null : JsonNode.Parse(t.Value.SimJson)),
            StringComparer.Ordinal);
    }
}
