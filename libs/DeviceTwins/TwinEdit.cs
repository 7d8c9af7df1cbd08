using System.Text.Json.Nodes;

namespace IotHubJobs.DeviceTwins;

/// <summary>
/// The result of applying a change to a twin: the new document (a copy — the input is never modified), what changed,
/// or why the change was refused (then nothing changed).
/// </summary>
public sealed record TwinEdit(JsonObject Twin, bool TagsChanged, bool DesiredChanged, bool ReportedChanged, string? Error)
{
    public bool Changed => TagsChanged || DesiredChanged || ReportedChanged;

    public static TwinEdit Refused(JsonObject original, string error) => new(original, false, false, false, error);

    /// <summary>The desired properties after the change, without bookkeeping (what a device is told).</summary>
    public JsonObject DesiredValues() => SectionSize.Values(TwinEditor.Section(Twin, "desired"));

    public long DesiredVersion() => (long?)TwinEditor.Section(Twin, "desired")[TwinKeys.Version] ?? 0;
}
