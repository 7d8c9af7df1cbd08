namespace IotHubJobs.Security;

/// <summary>What a device's token is checked against: its registry status and its two symmetric keys.</summary>
public sealed record DeviceKeys(bool Enabled, string? PrimaryKey, string? SecondaryKey)
{
    /// <summary>Never prints the keys.</summary>
    public override string ToString() => $"DeviceKeys {{ Enabled = {Enabled} }}";
}
