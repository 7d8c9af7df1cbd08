using System.Globalization;
using IotHubJobs.Security;

namespace Unit.Tests.Security;

public class SharedAccessSignatureValidatorTests
{
    private readonly TestHub _hub = new();

    private SasValidationResult Validate(string token) => _hub.Validator.Validate(token);

    private static void AssertRefused(SasValidationResult result, string reasonFragment)
    {
        Assert.False(result.Succeeded);
        Assert.Null(result.Policy);
        Assert.Contains(reasonFragment, result.FailureReason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Token_signed_the_node_way_is_accepted()
    {
        var token = _hub.Token(_hub.Owner, SasTokenStyle.Node);

        var result = Validate(token);

        Assert.True(result.Succeeded, result.FailureReason);
        Assert.Equal("iothubowner", result.Policy!.Name);
    }

    [Fact]
    public void Token_signed_the_csharp_way_is_accepted()
    {
        Assert.True(Validate(_hub.Token(_hub.Service)).Succeeded);
    }

    [Fact]
    public void Node_token_for_a_host_with_port_is_signed_over_the_raw_sr_and_accepted()
    {
        var token = _hub.Token(_hub.Owner, SasTokenStyle.Node, resource: "localhost:8443");

        Assert.StartsWith("SharedAccessSignature sr=localhost:8443&sig=", token);
        Assert.True(Validate(token).Succeeded);
    }

    [Fact]
    public void Csharp_token_for_a_host_with_port_is_signed_over_the_encoded_sr_and_accepted()
    {
        var token = _hub.Token(_hub.Owner, SasTokenStyle.CSharp, resource: "localhost:8443");

        Assert.StartsWith("SharedAccessSignature sr=localhost%3A8443&sig=", token);
        Assert.True(Validate(token).Succeeded);
    }

    [Fact]
    public void Token_signed_over_the_decoded_sr_but_sent_encoded_is_refused()
    {
        // The server signs what was transmitted; a token whose signature covers another spelling does not match.
        var se = (TestHub.Now.ToUnixTimeSeconds() + 3600).ToString(CultureInfo.InvariantCulture);
        var sig = SharedAccessSignatureBuilder.ComputeSignature(_hub.Owner.PrimaryKey, "localhost:8443", se);
        var token = $"SharedAccessSignature sr=localhost%3A8443&sig={Uri.EscapeDataString(sig)}&se={se}&skn=iothubowner";

        AssertRefused(Validate(token), "signature");
    }

    [Fact]
    public void Lowercase_hex_in_sr_is_accepted_when_the_client_signed_it_that_way()
    {
        var se = (TestHub.Now.ToUnixTimeSeconds() + 3600).ToString(CultureInfo.InvariantCulture);
        var sig = SharedAccessSignatureBuilder.ComputeSignature(_hub.Owner.PrimaryKey, "localhost%3a8443", se);
        var token = $"SharedAccessSignature sr=localhost%3a8443&sig={Uri.EscapeDataString(sig)}&se={se}&skn=iothubowner";

        Assert.True(Validate(token).Succeeded);
    }

    [Fact]
    public void Fields_in_any_order_and_any_case_are_accepted()
    {
        var se = (TestHub.Now.ToUnixTimeSeconds() + 3600).ToString(CultureInfo.InvariantCulture);
        var sig = Uri.EscapeDataString(SharedAccessSignatureBuilder.ComputeSignature(_hub.Owner.PrimaryKey, "localhost", se));
        var token = $"SharedAccessSignature SKN=iothubowner&Se={se}&SIG={sig}&Sr=localhost";

        Assert.True(Validate(token).Succeeded);
    }

    [Fact]
    public void Unencoded_base64_signature_is_accepted()
    {
        var se = (TestHub.Now.ToUnixTimeSeconds() + 3600).ToString(CultureInfo.InvariantCulture);
        var sig = SharedAccessSignatureBuilder.ComputeSignature(_hub.Owner.PrimaryKey, "localhost", se);
        var token = $"SharedAccessSignature sr=localhost&sig={sig}&se={se}&skn=iothubowner";

        Assert.True(Validate(token).Succeeded);
    }

    [Fact]
    public void Forged_signature_is_refused()
    {
        var token = _hub.Token(_hub.Owner);
        var sig = token.Split('&').Single(f => f.StartsWith("sig=", StringComparison.Ordinal))[4..];
        var forged = Convert.ToBase64String(new byte[32]);

        AssertRefused(Validate(token.Replace(sig, Uri.EscapeDataString(forged))), "signature");
    }

    [Fact]
    public void Token_signed_with_a_key_the_policy_does_not_have_is_refused()
    {
        var token = SharedAccessSignatureBuilder.Create("localhost", "iothubowner", TestHub.NewKey(), TestHub.Now.AddHours(1));

        AssertRefused(Validate(token), "signature");
    }

    [Fact]
    public void Token_signed_with_another_policys_key_is_refused()
    {
        var token = SharedAccessSignatureBuilder.Create("localhost", "iothubowner", _hub.Service.PrimaryKey, TestHub.Now.AddHours(1));

        AssertRefused(Validate(token), "signature");
    }

    [Fact]
    public void Tampered_expiry_is_refused()
    {
        var token = _hub.Token(_hub.Service);
        var se = (TestHub.Now.ToUnixTimeSeconds() + 3600).ToString(CultureInfo.InvariantCulture);
        var later = (TestHub.Now.ToUnixTimeSeconds() + 7200).ToString(CultureInfo.InvariantCulture);

        AssertRefused(Validate(token.Replace($"se={se}", $"se={later}")), "signature");
    }

    [Fact]
    public void Secondary_key_is_accepted()
    {
        Assert.True(Validate(_hub.Token(_hub.Owner, secondary: true)).Succeeded);
    }

    [Fact]
    public void Unknown_policy_is_refused()
    {
        var stranger = new SharedAccessPolicy("stranger", TestHub.NewKey(), TestHub.NewKey(), AccessRights.ServiceConnect);

        AssertRefused(Validate(_hub.Token(stranger)), "unknown shared access policy");
    }

    [Fact]
    public void Policy_names_are_case_sensitive()
    {
        var token = SharedAccessSignatureBuilder.Create("localhost", "IotHubOwner", _hub.Owner.PrimaryKey, TestHub.Now.AddHours(1));

        AssertRefused(Validate(token), "unknown shared access policy");
    }

    [Fact]
    public void Token_expired_beyond_the_five_minute_skew_is_refused()
    {
        var token = _hub.Token(_hub.Owner, expiresIn: TimeSpan.FromMinutes(1));
        _hub.Clock.Advance(TimeSpan.FromMinutes(6) + TimeSpan.FromSeconds(1));

        AssertRefused(Validate(token), "expired");
    }

    [Fact]
    public void Token_expired_within_the_five_minute_skew_is_accepted()
    {
        var token = _hub.Token(_hub.Owner, expiresIn: TimeSpan.FromMinutes(1));
        _hub.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(59));

        Assert.True(Validate(token).Succeeded);
    }

    [Fact]
    public void Token_expiring_exactly_at_the_skew_boundary_is_accepted_and_one_millisecond_later_refused()
    {
        var token = _hub.Token(_hub.Owner, expiresIn: TimeSpan.Zero);
        _hub.Clock.Advance(SharedAccessSignatureValidator.MaxClockSkew);
        Assert.True(Validate(token).Succeeded);

        _hub.Clock.Advance(TimeSpan.FromMilliseconds(1));
        AssertRefused(Validate(token), "expired");
    }

    [Fact]
    public void Long_lived_token_is_accepted()
    {
        Assert.True(Validate(_hub.Token(_hub.Owner, expiresIn: TimeSpan.FromDays(3650))).Succeeded);
    }

    [Fact]
    public void Expiry_beyond_any_calendar_is_not_an_overflow()
    {
        var se = long.MaxValue.ToString(CultureInfo.InvariantCulture);
        var sig = Uri.EscapeDataString(SharedAccessSignatureBuilder.ComputeSignature(_hub.Owner.PrimaryKey, "localhost", se));

        Assert.True(Validate($"SharedAccessSignature sr=localhost&sig={sig}&se={se}&skn=iothubowner").Succeeded);
    }

    [Theory]
    [InlineData("sig=abc&se=1&skn=iothubowner", "no sr")]
    [InlineData("sr=localhost&se=1&skn=iothubowner", "no sig")]
    [InlineData("sr=localhost&sig=abc&skn=iothubowner", "no se")]
    [InlineData("sr=localhost&sig=abc&se=soon&skn=iothubowner", "se field")]
    [InlineData("sr=localhost&sig=abc&se=-5&skn=iothubowner", "se field")]
    [InlineData("sr=localhost&sr=localhost&sig=abc&se=1&skn=iothubowner", "repeats")]
    [InlineData("sr=localhost&sig&se=1&skn=iothubowner", "without a value")]
    public void Token_with_missing_or_malformed_fields_is_refused(string fields, string reason)
    {
        AssertRefused(Validate("SharedAccessSignature " + fields), reason);
    }

    [Fact]
    public void Token_without_skn_is_refused()
    {
        var se = (TestHub.Now.ToUnixTimeSeconds() + 3600).ToString(CultureInfo.InvariantCulture);
        var sig = Uri.EscapeDataString(SharedAccessSignatureBuilder.ComputeSignature(_hub.Owner.PrimaryKey, "localhost", se));

        AssertRefused(Validate($"SharedAccessSignature sr=localhost&sig={sig}&se={se}"), "skn");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Missing_header_is_refused_with_the_iot_hub_message(string? header)
    {
        AssertRefused(_hub.Validator.Validate(header), "Authorization header missing");
    }

    [Theory]
    [InlineData("Bearer abc.def.ghi")]
    [InlineData("SharedAccessSignaturesr=localhost")]
    [InlineData("SharedAccessSignature")]
    [InlineData("SharedAccessSignature sr=localhost &sig=x")]
    public void Header_that_is_not_a_sas_token_is_refused(string header)
    {
        Assert.False(_hub.Validator.Validate(header).Succeeded);
    }

    [Fact]
    public void Token_for_another_hub_is_refused()
    {
        AssertRefused(Validate(_hub.Token(_hub.Owner, resource: "otherhub.azure-devices.net")), "audience");
    }

    [Fact]
    public void Token_for_a_host_that_merely_starts_with_the_hub_name_is_refused()
    {
        AssertRefused(Validate(_hub.Token(_hub.Owner, resource: "localhost.evil.example")), "audience");
        AssertRefused(Validate(_hub.Token(_hub.Owner, resource: "localhostx/devices/d1")), "audience");
    }

    [Theory]
    [InlineData("LOCALHOST")]
    [InlineData("localhost/")]
    [InlineData("localhost/devices/d1")]
    [InlineData("localhost:443/devices/d1")]
    public void Audience_may_differ_in_case_carry_a_port_or_name_a_path_under_the_hub(string resource)
    {
        Assert.True(Validate(_hub.Token(_hub.Owner, resource: resource)).Succeeded);
        Assert.True(Validate(_hub.Token(_hub.Owner, SasTokenStyle.Node, resource: resource)).Succeeded);
    }

    [Fact]
    public void Hub_configured_with_a_port_accepts_a_token_without_one()
    {
        var hub = new TestHub("myhub.example.com:8443");
        var token = SharedAccessSignatureBuilder.Create("myhub.example.com", "service", hub.Service.PrimaryKey, TestHub.Now.AddHours(1));

        Assert.True(hub.Validator.Validate(token).Succeeded);
    }

    [Fact]
    public void Refusal_reasons_never_contain_the_key_or_the_signature()
    {
        var token = SharedAccessSignatureBuilder.Create("otherhub", "iothubowner", _hub.Owner.PrimaryKey, TestHub.Now.AddHours(1));
        var sig = token.Split('&').Single(f => f.StartsWith("sig=", StringComparison.Ordinal))[4..];

        var reason = Validate(token).FailureReason!;

        Assert.DoesNotContain(_hub.Owner.PrimaryKey, reason);
        Assert.DoesNotContain(sig, reason);
        Assert.DoesNotContain(Uri.UnescapeDataString(sig), reason);
        Assert.DoesNotContain(";", reason); // Node splits the IoT Hub message on ';'
    }

    [Fact]
    public void Parsed_token_prints_without_its_signature()
    {
        var token = SharedAccessSignature.Parse(_hub.Token(_hub.Owner));

        Assert.DoesNotContain("sig", token.ToString());
        Assert.Equal("localhost", token.Resource);
        Assert.Equal("iothubowner", token.KeyName);
    }
}
