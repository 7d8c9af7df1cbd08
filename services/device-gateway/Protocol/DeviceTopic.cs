namespace DeviceGateway.Protocol;

/// <summary>
/// The topics of IoT Hub's device MQTT protocol (docs/devices.md, "Protocol"), parsed from what a device publishes and
/// built for what the hub sends. Shapes are exact — <c>…/?$rid=…</c> with the slash before the question mark — because
/// the C# SDK parses them by position.
/// </summary>
public static class DeviceTopic
{
    public const string MethodRequestPrefix = "$iothub/methods/POST/";
    private const string MethodResponsePrefix = "$iothub/methods/res/";
    private const string TwinGet = "$iothub/twin/GET/";
    private const string ReportedPatch = "$iothub/twin/PATCH/properties/reported/";

    public static string MethodRequest(string methodName, string rid) => $"{MethodRequestPrefix}{methodName}/?$rid={rid}";

    public static string TwinResponse(int status, string rid, long? version = null) =>
        version is { } v ? $"$iothub/twin/res/{status}/?$rid={rid}&$version={v}" : $"$iothub/twin/res/{status}/?$rid={rid}";

    public static string DesiredPatch(long version) => $"$iothub/twin/PATCH/properties/desired/?$version={version}";

    /// <summary>What a device's PUBLISH asks for; <see cref="DevicePublish.Unknown"/> for any topic the hub does not serve.</summary>
    public static DevicePublish Parse(string topic, string deviceId)
    {
        if (topic.StartsWith(MethodResponsePrefix, StringComparison.Ordinal))
        {
            var rest = topic[MethodResponsePrefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash <= 0 || !int.TryParse(rest.AsSpan(0, slash), System.Globalization.NumberStyles.AllowLeadingSign, null, out var status)) return DevicePublish.Unknown;
            return Rid(rest[(slash + 1)..]) is { } rid ? new DevicePublish(DevicePublishKind.MethodResponse, rid, status) : DevicePublish.Unknown;
        }
        if (topic.StartsWith(TwinGet, StringComparison.Ordinal))
            return Rid(topic[TwinGet.Length..]) is { } rid ? new DevicePublish(DevicePublishKind.TwinGet, rid, 0) : DevicePublish.Unknown;
        if (topic.StartsWith(ReportedPatch, StringComparison.Ordinal))
            return Rid(topic[ReportedPatch.Length..]) is { } rid ? new DevicePublish(DevicePublishKind.ReportedPatch, rid, 0) : DevicePublish.Unknown;
        var events = $"devices/{deviceId}/messages/events/";
        if (topic.StartsWith(events, StringComparison.Ordinal) || topic == events[..^1]) return new DevicePublish(DevicePublishKind.Telemetry, null, 0);
        if (topic.StartsWith($"devices/{deviceId}/modules/", StringComparison.Ordinal) && topic.Contains("/messages/events", StringComparison.Ordinal))
            return new DevicePublish(DevicePublishKind.Telemetry, null, 0);
        return DevicePublish.Unknown;
    }

    /// <summary>What a device's SUBSCRIBE filter asks for; null for any filter IoT Hub does not accept.</summary>
    public static DeviceSubscription? ParseFilter(string filter, string deviceId) => filter switch
    {
        "$iothub/methods/POST/#" => DeviceSubscription.Methods,
        "$iothub/twin/res/#" => DeviceSubscription.TwinResponses,
        "$iothub/twin/PATCH/properties/desired/#" => DeviceSubscription.DesiredProperties,
        _ when filter == $"devices/{deviceId}/messages/devicebound/#" => DeviceSubscription.CloudToDevice,
        _ when filter.StartsWith($"devices/{deviceId}/modules/", StringComparison.Ordinal) && filter.EndsWith("/#", StringComparison.Ordinal)
               && !filter[..^2].Contains('#') && !filter.Contains('+') => DeviceSubscription.CloudToDevice,
        _ => null,
    };

    /// <summary><c>?$rid=abc</c>, optionally followed by <c>&amp;…</c> (a PATCH may carry <c>&amp;$version=</c>, ignored): the rid, or null.</summary>
    private static string? Rid(string query)
    {
        if (!query.StartsWith("?", StringComparison.Ordinal)) return null;
        foreach (var part in query[1..].Split('&'))
        {
            if (!part.StartsWith("$rid=", StringComparison.Ordinal)) continue;
            var rid = Uri.UnescapeDataString(part[5..]);
            return rid.Length is > 0 and <= 128 ? rid : null;
        }
        return null;
    }
}

public enum DevicePublishKind { Unknown, MethodResponse, TwinGet, ReportedPatch, Telemetry }

public sealed record DevicePublish(DevicePublishKind Kind, string? Rid, int Status)
{
    public static readonly DevicePublish Unknown = new(DevicePublishKind.Unknown, null, 0);
}

public enum DeviceSubscription { Methods, TwinResponses, DesiredProperties, CloudToDevice }
