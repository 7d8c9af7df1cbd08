using IotHubJobs.Security;

namespace Unit.Tests.Security;

public class SharedAccessPolicyFileTests
{
    private static readonly string K1 = TestHub.NewKey();
    private static readonly string K2 = TestHub.NewKey();

    [Fact]
    public void Policies_file_in_the_installation_format_is_loaded()
    {
        var json = $$"""
            {"policies":[
              {"name":"iothubowner","primaryKey":"{{K1}}","secondaryKey":"{{K2}}","rights":["RegistryRead","RegistryWrite","ServiceConnect","DeviceConnect"]},
              {"name":"service","primaryKey":"{{K2}}","secondaryKey":"{{K1}}","rights":["ServiceConnect"]},
              {"name":"registryReadWrite","primaryKey":"{{K1}}","secondaryKey":"{{K2}}","rights":["RegistryRead","RegistryWrite"]}
            ]}
            """;
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, json);
            var set = SharedAccessPolicySet.Load(path);

            Assert.Equal(3, set.Policies.Count);
            Assert.True(set.TryGet("iothubowner", out var owner));
            Assert.Equal(AccessRights.RegistryRead | AccessRights.RegistryWrite | AccessRights.ServiceConnect | AccessRights.DeviceConnect, owner.Rights);
            Assert.Equal(K1, owner.PrimaryKey);
            Assert.Equal(K2, owner.SecondaryKey);
            Assert.True(set.TryGet("service", out var service));
            Assert.Equal(AccessRights.ServiceConnect, service.Rights);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("""{"policies":[{"name":"a","primaryKey":"K1","secondaryKey":"K2","rights":["Everything"]}]}""", "unknown right")]
    [InlineData("""{"policies":[{"name":"a","primaryKey":"","secondaryKey":"K2","rights":[]}]}""", "no primaryKey")]
    [InlineData("""{"policies":[{"name":"a","primaryKey":"not base64!","secondaryKey":"K2","rights":[]}]}""", "not Base64")]
    [InlineData("""{"policies":[{"name":"a","primaryKey":"c2hvcnQ=","secondaryKey":"K2","rights":[]}]}""", "shorter")]
    [InlineData("""{"policies":[{"name":"a","primaryKey":"K1","rights":[]},{"name":"a","primaryKey":"K2","rights":[]}]}""", "twice")]
    [InlineData("""{"policies":[{"primaryKey":"K1","rights":[]}]}""", "no name")]
    [InlineData("""{"policy":[]}""", "no \"policies\"")]
    [InlineData("""{"policies":[{"name":"a","primaryKey":"K1""", "not valid JSON")]
    public void Broken_policies_file_is_refused_without_quoting_keys(string template, string reason)
    {
        var json = template.Replace("K1", K1).Replace("K2", K2);

        var e = Assert.Throws<InvalidDataException>(() => SharedAccessPolicyFile.Parse(json));

        Assert.Contains(reason, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(K1, e.Message);
        Assert.DoesNotContain(K2, e.Message);
    }

    [Fact]
    public void Missing_secondary_key_is_allowed_and_never_matches()
    {
        var set = SharedAccessPolicyFile.Parse($$"""{"policies":[{"name":"service","primaryKey":"{{K1}}","rights":["ServiceConnect"]}]}""");
        var validator = new SharedAccessSignatureValidator("localhost", set, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestHub.Now));
        var emptyKeyToken = SharedAccessSignatureBuilder.Create("localhost", "service", "", TestHub.Now.AddHours(1));

        Assert.False(validator.Validate(emptyKeyToken).Succeeded);
        Assert.True(validator.Validate(SharedAccessSignatureBuilder.Create("localhost", "service", K1, TestHub.Now.AddHours(1))).Succeeded);
    }

    [Fact]
    public void Missing_file_is_reported_by_path()
    {
        var e = Assert.Throws<FileNotFoundException>(() => SharedAccessPolicySet.Load("/nonexistent/policies.json"));
        Assert.Contains("/nonexistent/policies.json", e.Message);
    }

    [Fact]
    public void Printing_a_policy_hides_its_keys()
    {
        var policy = new SharedAccessPolicy("service", K1, K2, AccessRights.ServiceConnect);

        Assert.DoesNotContain(K1, policy.ToString());
        Assert.DoesNotContain(K2, policy.ToString());
    }
}
