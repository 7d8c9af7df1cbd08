using System.Text.Json.Nodes;

namespace DeviceSim.Devices;

/// <summary>
/// How a simulated device behaves, steered through its twin tags under <c>tags.sim</c> so tests and operators can
/// craft failures through the public API (docs/jobs.md, "device-sim steering tags"). Only a device whose tags hold
/// <c>sim</c> as an object is simulated; any other device is not device-sim's to answer, so to it, it is offline.
/// </summary>
/// <param name="Acknowledges">Whether it reports desired changes back (<c>tags.sim.acknowledge</c>, true unless false): a device
/// that does not leaves an acknowledged twin job's device job to time out (docs/rollouts.md, "Acknowledged twin jobs").</param>
public sealed record SimulatedBehaviour(bool Simulated, bool Enabled, bool Offline, double ConnectDelaySeconds, int LatencyMs, int MethodStatus,
    bool Acknowledges = true)
{
    public static readonly SimulatedBehaviour NotSimulated = new(false, false, true, 0, 0, 200, false);

    public static SimulatedBehaviour From(string status, JsonNode? sim) => sim is not JsonObject ? NotSimulated : new(
        Simulated: true,
        Enabled: status == "enabled",
        Offline: sim?["offline"] is JsonValue offline && offline.TryGetValue(out bool isOffline) && isOffline,
        ConnectDelaySeconds: Number(sim?["connectDelaySeconds"]) ?? 0,
        LatencyMs: (int)(Number(sim?["latencyMs"]) ?? 0),
        MethodStatus: (int)(Number(sim?["methodStatus"]) ?? 200),
        Acknowledges: !(sim?["acknowledge"] is JsonValue acknowledge && acknowledge.TryGetValue(out bool acknowledges) && !acknowledges));

    private static double? Number(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out double d) ? d : null;
}
