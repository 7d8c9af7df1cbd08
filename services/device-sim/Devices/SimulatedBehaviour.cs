using System.Text.Json.Nodes;

namespace DeviceSim.Devices;

/// <summary>
/// How a simulated device behaves, steered through its twin tags under <c>tags.sim</c> so tests and operators can
/// craft failures through the public API (docs/jobs.md, "device-sim steering tags").
/// </summary>
public sealed record SimulatedBehaviour(bool Registered, bool Enabled, bool Offline, double ConnectDelaySeconds, int LatencyMs, int MethodStatus)
{
    public static readonly SimulatedBehaviour Unregistered = new(false, false, true, 0, 0, 200);

    public static SimulatedBehaviour From(string status, JsonNode? sim) => new(
        Registered: true,
        Enabled: status == "enabled",
        Offline: sim?["offline"] is JsonValue offline && offline.TryGetValue(out bool isOffline) && isOffline,
        ConnectDelaySeconds: Number(sim?["connectDelaySeconds"]) ?? 0,
        LatencyMs: (int)(Number(sim?["latencyMs"]) ?? 0),
        MethodStatus: (int)(Number(sim?["methodStatus"]) ?? 200));

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out double d) ? d : null;
}
