using IotHubJobs.IotHubErrors;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using JobsApi.Http;

namespace JobsApi.Devices;

/// <summary>
/// Builds the identity and twin documents of a device (docs/iothub-api.md, "Device registry" and "Device twins").
/// </summary>
public static partial class DeviceIdentity
{
    [GeneratedRegex(@"^[A-Za-z0-9\-:.+%_#*?!(),=@;$']{1,128}$")]
    private static partial Regex DeviceIdRule();

    public static bool IsValidId(string deviceId) => DeviceIdRule().IsMatch(deviceId);

    public static string InvalidIdMessage(string deviceId) =>
        $"DeviceId '{ClientText.Shorten(deviceId, 128)}' is invalid: up to 128 ASCII letters, digits or - : . + % _ # * ? ! ( ) , = @ ; $ '.";

    /// <summary>A new identity from the client's request; empty keys mean "generate them".</summary>
    public static JsonObject NewIdentity(string deviceId, JsonObject? request, DateTimeOffset now)
    {
        var status = (string?)request?["status"] is "disabled" ? "disabled" : "enabled";
        var keys = request?["authentication"]?["symmetricKey"];
        return new JsonObject
        {
            ["deviceId"] = deviceId,
            ["generationId"] = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString() + RandomNumberGenerator.GetInt32(1_000_000_000).ToString("D9"),
            ["etag"] = NewEtag(),
            ["connectionState"] = "Disconnected",
            ["status"] = status,
            ["statusReason"] = (string?)request?["statusReason"],
            ["connectionStateUpdatedTime"] = IotHubJson.NeverDate,
            ["statusUpdatedTime"] = IotHubJson.Date(now),
            ["lastActivityTime"] = IotHubJson.NeverDate,
            ["cloudToDeviceMessageCount"] = 0,
            ["authentication"] = new JsonObject
            {
                ["symmetricKey"] = new JsonObject
                {
                    ["primaryKey"] = KeyOrNew((string?)keys?["primaryKey"]),
                    ["secondaryKey"] = KeyOrNew((string?)keys?["secondaryKey"]),
                },
                ["x509Thumbprint"] = new JsonObject { ["primaryThumbprint"] = null, ["secondaryThumbprint"] = null },
                ["type"] = "sas",
            },
            ["capabilities"] = new JsonObject { ["iotEdge"] = (bool?)request?["capabilities"]?["iotEdge"] ?? false },
            ["deviceScope"] = null,
        };
    }

    /// <summary>The twin of a new device: no tags, empty desired and reported properties, version 1.</summary>
    public static JsonObject NewTwin(JsonObject identity, DateTimeOffset now) => new()
    {
        ["deviceId"] = identity["deviceId"]!.GetValue<string>(),
        ["etag"] = NewEtag(),
        ["deviceEtag"] = identity["etag"]!.GetValue<string>(),
        ["status"] = identity["status"]!.GetValue<string>(),
        ["statusReason"] = (string?)identity["statusReason"],
        ["statusUpdateTime"] = identity["statusUpdatedTime"]!.GetValue<string>(),
        ["connectionState"] = "Disconnected",
        ["lastActivityTime"] = IotHubJson.NeverDate,
        ["cloudToDeviceMessageCount"] = 0,
        ["authenticationType"] = "sas",
        ["x509Thumbprint"] = new JsonObject { ["primaryThumbprint"] = null, ["secondaryThumbprint"] = null },
        ["modelId"] = "",
        ["version"] = 1,
        ["capabilities"] = new JsonObject { ["iotEdge"] = identity["capabilities"]?["iotEdge"]?.GetValue<bool>() ?? false },
        ["tags"] = new JsonObject(),
        ["properties"] = new JsonObject
        {
            ["desired"] = new JsonObject { ["$metadata"] = new JsonObject { ["$lastUpdated"] = IotHubJson.Date(now), ["$lastUpdatedVersion"] = 1 }, ["$version"] = 1 },
            ["reported"] = new JsonObject { ["$metadata"] = new JsonObject { ["$lastUpdated"] = IotHubJson.Date(now) }, ["$version"] = 1 },
        },
    };

    public static string NewEtag() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(9));

    private static string KeyOrNew(string? key) =>
        string.IsNullOrEmpty(key) ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) : key;
}
