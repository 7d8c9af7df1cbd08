namespace IotHubJobs.Security;

/// <summary>
/// The permissions a shared access policy grants (docs/iothub-api.md, "SAS tokens, policies and permissions").
/// </summary>
[Flags]
public enum AccessRights
{
    None = 0,
    RegistryRead = 1,
    RegistryWrite = 2,
    ServiceConnect = 4,
    DeviceConnect = 8,
}
