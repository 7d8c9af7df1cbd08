namespace DeviceGateway.Twins;

/// <summary>What became of one reported patch: the status the device is answered, the error text, the new reported version.</summary>
public sealed record ReportedPatchOutcome(int Status, string? Error, long Version)
{
    public static ReportedPatchOutcome Saved(long version) => new(204, null, version);
    public static ReportedPatchOutcome Invalid(string error) => new(400, error, 0);
    public static readonly ReportedPatchOutcome UnknownDevice = new(404, "The device is not registered.", 0);
    public static readonly ReportedPatchOutcome NotSaved = new(500, "The reported properties could not be saved; try again.", 0);
    public static readonly ReportedPatchOutcome Failed = new(500, "The reported properties could not be saved.", 0);
}
