using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// The last line of ./bench.sh --transport both: the same job over simulated devices and over as many real MQTT devices,
/// run one after the other on fresh hubs in one sitting, and the ratio of their rates (mqtt / sim) — the comparison
/// that holds on a shared machine where absolute rates do not (docs/benchmarks.md).
/// </summary>
public static class TransportComparison
{
    public static JsonObject From(string runsFile)
    {
        var runs = File.ReadLines(runsFile).Where(l => l.Trim().Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        JsonObject? Run(string transport) => runs.LastOrDefault(r => (string?)r["transport"] == transport);
        var sim = Run("sim");
        var mqtt = Run("mqtt");
        var simRate = (double?)sim?["deviceOpsPerSecond"];
        var mqttRate = (double?)mqtt?["deviceOpsPerSecond"];
        return new JsonObject
        {
            ["mode"] = "transports", ["job"] = (string?)(mqtt ?? sim)?["job"], ["devices"] = (int?)(mqtt ?? sim)?["devices"],
            ["simOpsPerSecond"] = simRate, ["mqttOpsPerSecond"] = mqttRate,
            ["ratio"] = simRate > 0 && mqttRate is not null ? Math.Round(mqttRate.Value / simRate.Value, 3) : null,
            ["connectSeconds"] = (double?)mqtt?["connectSeconds"], ["deviceEndpointPeakRssMb"] = (long?)mqtt?["deviceEndpointPeakRssMb"],
            ["loadGeneratorPeakRssMb"] = (long?)mqtt?["loadGeneratorPeakRssMb"],
            ["allExact"] = sim is not null && mqtt is not null && (bool?)sim["exact"] == true && (bool?)mqtt["exact"] == true,
            ["runs"] = new JsonArray(runs.Select(r => (JsonNode)r.DeepClone()).ToArray()),
        };
    }
}
