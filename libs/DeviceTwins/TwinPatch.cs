using System.Text.Json.Nodes;

namespace IotHubJobs.DeviceTwins;

/// <summary>
/// The writable parts of a twin a service request carries: <c>tags</c> and <c>properties.desired</c>. A null section is
/// not touched by a PATCH; for a PUT the reader turns a missing section into an empty one (replace means replace).
/// </summary>
public sealed record TwinPatch(JsonObject? Tags, JsonObject? Desired);
