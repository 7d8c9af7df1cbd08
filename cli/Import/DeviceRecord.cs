using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Import;

/// <summary>A device to import: its id, optional status and tags, and the line it came from (for error messages).</summary>
public sealed record DeviceRecord(string Id, string? Status, JsonObject? Tags, int Line)
{
    /// <summary>The bulk entry (<c>POST /devices</c>, docs/iothub-api.md "Device registry").</summary>
    public JsonObject ToEntry(string importMode)
    {
        var entry = new JsonObject { ["id"] = Id, ["importMode"] = importMode };
        if (Status is not null) entry["status"] = Status;
        if (Tags is not null) entry["tags"] = Tags.DeepClone();
        return entry;
    }
}

/// <summary>An input file that cannot be imported as it is; names the line.</summary>
public sealed class DeviceFileException(string message) : Exception(message);
