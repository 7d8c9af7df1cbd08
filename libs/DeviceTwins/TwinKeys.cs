namespace IotHubJobs.DeviceTwins;

/// <summary>Names of the twin's own bookkeeping properties.</summary>
public static class TwinKeys
{
    public const string Metadata = "$metadata";
    public const string Version = "$version";
    public const string LastUpdated = "$lastUpdated";
    public const string LastUpdatedVersion = "$lastUpdatedVersion";

    /// <summary>
    /// <c>$metadata</c> and <c>$version</c> at the root of desired or reported belong to the service. Clients that send
    /// back a twin they read (C# <c>ReplaceTwinAsync</c>) include them; they are ignored, never stored from input.
    /// </summary>
    public static bool IsSystem(string key) => key is Metadata or Version;
}
