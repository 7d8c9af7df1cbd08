using System.Net;
using IotHubJobs.Security;
using Microsoft.Extensions.Time.Testing;

namespace Unit.Tests.Devices;

public sealed class DeviceTokenValidatorSpecs
{
    private const string Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SharedAccessPolicySet Policies = new([
        new SharedAccessPolicy("device", Convert.ToBase64String(new byte[32]), "", AccessRights.DeviceConnect),
        new SharedAccessPolicy("service", Convert.ToBase64String(new byte[32]), "", AccessRights.ServiceConnect)]);

    private static DeviceTokenValidator Validator(DateTimeOffset? now = null) => new("localhost", Policies, new FakeTimeProvider(now ?? Now));

    private static readonly DeviceKeys Enabled = new(true, Key, null);

    [Fact]
    public void The_worked_example_of_the_reference_is_accepted()
    {
        // docs/devices.md, "Authentication": the Node SDK's token for dev-1, key bytes 0x00…0x1f, se 2026-01-01T00:00Z
        var token = "SharedAccessSignature sr=localhost%2Fdevices%2Fdev-1&sig=%2FuUfHHifGA6i5iZVVhw8vJKSXrvoDob%2FyFfC%2B7gH1UM%3D&se=1767225600";
        var result = Validator(Now.AddMinutes(-1)).Validate(token, "dev-1", Enabled);
        Assert.Equal(DeviceConnectVerdict.Accepted, result.Verdict);
        Assert.Equal(Now + SharedAccessSignatureValidator.MaxClockSkew, result.ExpiresAt);
    }

    [Theory]
    [InlineData("localhost/devices/d1", true)]
    [InlineData("LOCALHOST:8883/devices/d1", true)]
    [InlineData("localhost/devices/d2", false)]
    [InlineData("localhost", false)]
    [InlineData("other/devices/d1", false)]
    [InlineData("localhost/devices/d1/modules/m1", false)]
    public void A_device_key_token_must_name_the_device_on_this_hub(string resource, bool accepted)
    {
        var token = Token(WebUtility.UrlEncode(resource), Key, Now.AddHours(1));
        Assert.Equal(accepted ? DeviceConnectVerdict.Accepted : DeviceConnectVerdict.BadCredentials, Validator().Validate(token, "d1", Enabled).Verdict);
    }

    [Fact]
    public void Expired_wrong_key_unknown_and_disabled_devices_are_refused_with_the_right_verdict()
    {
        var good = Token(WebUtility.UrlEncode("localhost/devices/d1"), Key, Now.AddHours(1));
        Assert.Equal(DeviceConnectVerdict.BadCredentials, Validator(Now.AddHours(2)).Validate(good, "d1", Enabled).Verdict);
        Assert.Equal(DeviceConnectVerdict.Accepted, Validator(Now.AddHours(1).AddMinutes(4)).Validate(good, "d1", Enabled).Verdict);
        Assert.Equal(DeviceConnectVerdict.BadCredentials, Validator().Validate(good, "d1", new DeviceKeys(true, Convert.ToBase64String(new byte[32]), null)).Verdict);
        Assert.Equal(DeviceConnectVerdict.Accepted, Validator().Validate(good, "d1", new DeviceKeys(true, Convert.ToBase64String(new byte[32]), Key)).Verdict);
        Assert.Equal(DeviceConnectVerdict.NotAuthorized, Validator().Validate(good, "d1", null).Verdict);
        Assert.Equal(DeviceConnectVerdict.NotAuthorized, Validator().Validate(good, "d1", Enabled with { Enabled = false }).Verdict);
        Assert.Equal(DeviceConnectVerdict.BadCredentials, Validator().Validate("password", "d1", Enabled).Verdict);
    }

    [Fact]
    public void A_policy_token_needs_DeviceConnect()
    {
        var policyKey = Convert.ToBase64String(new byte[32]);
        var device = SharedAccessSignatureBuilder.Create("localhost/devices/d1", "device", policyKey, Now.AddHours(1));
        var hub = SharedAccessSignatureBuilder.Create("localhost", "device", policyKey, Now.AddHours(1));
        var other = SharedAccessSignatureBuilder.Create("localhost/devices/d2", "device", policyKey, Now.AddHours(1));
        var service = SharedAccessSignatureBuilder.Create("localhost/devices/d1", "service", policyKey, Now.AddHours(1));
        Assert.Equal(DeviceConnectVerdict.Accepted, Validator().Validate(device, "d1", Enabled).Verdict);
        Assert.Equal(DeviceConnectVerdict.Accepted, Validator().Validate(hub, "d1", Enabled).Verdict);
        Assert.Equal(DeviceConnectVerdict.BadCredentials, Validator().Validate(other, "d1", Enabled).Verdict);
        Assert.Equal(DeviceConnectVerdict.NotAuthorized, Validator().Validate(service, "d1", Enabled).Verdict);
    }

    private static string Token(string sr, string key, DateTimeOffset expiresAt)
    {
        var se = expiresAt.ToUnixTimeSeconds().ToString();
        return $"SharedAccessSignature sr={sr}&sig={WebUtility.UrlEncode(SharedAccessSignatureBuilder.ComputeSignature(key, sr, se))}&se={se}";
    }
}
