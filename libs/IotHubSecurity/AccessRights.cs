namespace IotHubJobs.Security;

/// <summary>The permissions a shared access policy grants (iothub-spec §8.3).</summary>
[Flags]
public enum AccessRights
{
    None = 0,
    RegistryRead = 1,
    RegistryWrite = 2,
    ServiceConnect = 4,
    DeviceConnect = 8,
}
