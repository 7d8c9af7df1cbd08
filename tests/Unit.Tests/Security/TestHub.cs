using System.Security.Cryptography;
using IotHubJobs.Security;
using Microsoft.Extensions.Time.Testing;

namespace Unit.Tests.Security;

/// <summary>A hub called "localhost" with the built-in policies and fresh random keys, and a clock the test controls.</summary>
internal sealed class TestHub
{
    public static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public TestHub(string hostName = "localhost")
    {
        HostName = hostName;
        Owner = Policy("iothubowner", AccessRights.RegistryRead | AccessRights.RegistryWrite | AccessRights.ServiceConnect | AccessRights.DeviceConnect);
        Service = Policy("service", AccessRights.ServiceConnect);
        RegistryRead = Policy("registryRead", AccessRights.RegistryRead);
        Policies = new SharedAccessPolicySet([Owner, Service, RegistryRead]);
        Validator = new SharedAccessSignatureValidator(hostName, Policies, Clock);
    }

    public string HostName { get; }
    public FakeTimeProvider Clock { get; } = new(Now);
    public SharedAccessPolicy Owner { get; }
    public SharedAccessPolicy Service { get; }
    public SharedAccessPolicy RegistryRead { get; }
    public SharedAccessPolicySet Policies { get; }
    public SharedAccessSignatureValidator Validator { get; }

    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Token(SharedAccessPolicy policy, SasTokenStyle style = SasTokenStyle.CSharp, string? resource = null,
        TimeSpan? expiresIn = null, bool secondary = false) =>
        SharedAccessSignatureBuilder.Create(resource ?? HostName, policy.Name,
            secondary ? policy.SecondaryKey : policy.PrimaryKey, Clock.GetUtcNow() + (expiresIn ?? TimeSpan.FromHours(1)), style);

    private static SharedAccessPolicy Policy(string name, AccessRights rights) => new(name, NewKey(), NewKey(), rights);
}
