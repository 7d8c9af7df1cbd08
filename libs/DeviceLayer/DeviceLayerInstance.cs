namespace IotHubJobs.DeviceLayer;

/// <summary>The name this process claims device jobs under (<c>claimed_by</c> in the ledger): one per instance.</summary>
public sealed record DeviceLayerInstance(string Name);
