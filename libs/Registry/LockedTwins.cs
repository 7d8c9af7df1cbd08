using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace IotHubJobs.Registry;

/// <summary>
/// The twins of a batch of devices, holding the sections the batch asked for (<see cref="TwinSections"/>), row-locked until
/// the transaction ends. Devices missing from the registry are simply absent. Only twins handed to <see cref="Save"/> are
/// written back.
/// </summary>
public sealed class LockedTwins
{
    private readonly Dictionary<string, JsonObject> _twins;
    private readonly Dictionary<string, JsonObject> _changed = new(StringComparer.Ordinal);

    internal LockedTwins(Dictionary<string, JsonObject> twins) => _twins = twins;

    public int Count => _twins.Count;

    public bool TryGet(string deviceId, [MaybeNullWhen(false)] out JsonObject twin) => _twins.TryGetValue(deviceId, out twin);

    public void Save(string deviceId, JsonObject twin)
    {
        if (!_twins.ContainsKey(deviceId))
            throw new InvalidOperationException($"The twin of '{deviceId}' was not locked in this batch.");
        _twins[deviceId] = twin;
        _changed[deviceId] = twin;
    }

    internal IReadOnlyDictionary<string, JsonObject> Changed => _changed;
}
