using Integration.Tests.Infrastructure;

namespace Integration.Tests.Secrets;

/// <summary>What the gateway writes into its certificate folder on first start (the fixture's gateway made this one).</summary>
[Collection(SystemCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and bash: Linux and macOS only
public sealed class GatewayCertificateFolderSpecs(SystemUnderTest system)
{
    [Fact]
    public void The_gateway_creates_its_certificate_folder_700_with_private_keys_600_and_only_the_CA_certificate_readable_by_others()
    {
        var folder = Path.Combine(system.RunDirectory, "certs");

        Assert.Equal("700", Bash.Octal(folder));
        Assert.Equal("600", Bash.Octal(Path.Combine(folder, "ca.key")));
        Assert.Equal("600", Bash.Octal(Path.Combine(folder, "server.pfx")));
        Assert.Equal("600", Bash.Octal(Path.Combine(folder, ".lock")));
        Assert.Equal("644", Bash.Octal(Path.Combine(folder, "ca.pem"))); // public: what clients trust
        Assert.Equal([".lock", "ca.key", "ca.pem", "server.pfx"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
