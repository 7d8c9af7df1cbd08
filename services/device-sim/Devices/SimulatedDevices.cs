using System.Text.Json.Nodes;
using Npgsql;

namespace DeviceSim.Devices;

/// <summary>The devices this simulator answers for: every device of the registry, with its steering tags.</summary>
public sealed class SimulatedDevices(NpgsqlDataSource dataSource)
{
    public async Task<Dictionary<string, SimulatedBehaviour>> LoadAsync(IReadOnlyCollection<string> deviceIds, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "select device_id, twin->>'status', (twin->'tags'->'sim')::text from registry.devices where device_id = any($1)");
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        var devices = new Dictionary<string, SimulatedBehaviour>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var sim = reader.IsDBNull(2) ? null : JsonNode.Parse(reader.GetString(2));
            devices[reader.GetString(0)] = SimulatedBehaviour.From(reader.IsDBNull(1) ? "enabled" : reader.GetString(1), sim);
        }
        return devices;
    }
}
