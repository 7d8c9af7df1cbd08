using System.Text.Json.Nodes;

namespace Integration.Tests.Events;

/// <summary>What specs check of the events a receiver got, against what the log holds.</summary>
public static class WebhookEvents
{
    public static string Id(JsonNode e) => (string)e["id"]!;
    public static string Type(JsonNode e) => (string)e["type"]!;

    public static (long, int) Position(JsonNode e)
    {
        var parts = Id(e).Split('.');
        return (long.Parse(parts[0]), parts.Length > 1 ? int.Parse(parts[1]) : 0);
    }

    /// <summary>
    /// The events in the order they first arrived, each once. Repeats must carry the same content as the first arrival,
    /// and the stored events' first arrivals must grow: nothing overtook an earlier event. Progress snapshots are counted
    /// anew when events are sent again, so a repeat may bring one under a new, earlier id (docs/events.md, "Ids").
    /// </summary>
    public static List<JsonNode> FirstArrivals(IEnumerable<JsonNode> received)
    {
        var first = new Dictionary<string, JsonNode>();
        var order = new List<JsonNode>();
        foreach (var e in received)
        {
            if (first.TryGetValue(Id(e), out var earlier))
            {
                if (Type(e) != "job.progress")
                    Assert.True(JsonNode.DeepEquals(earlier, e), $"event {Id(e)} came again with other content");
                continue;
            }
            first[Id(e)] = e;
            order.Add(e);
        }
        var stored = order.Where(e => Type(e) != "job.progress").ToList();
        for (var i = 1; i < stored.Count; i++)
            Assert.True(Position(stored[i]).CompareTo(Position(stored[i - 1])) > 0, $"{Id(stored[i])} arrived after {Id(stored[i - 1])} had");
        return order;
    }

    /// <summary>The stored events (not the snapshots, which are counted anew on every reading): "id type".</summary>
    public static List<string> Stored(IEnumerable<JsonNode> events) =>
        events.Where(e => Type(e) != "job.progress").Select(e => $"{Id(e)} {Type(e)}").ToList();
}
