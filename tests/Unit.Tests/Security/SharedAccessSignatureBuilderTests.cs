using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using IotHubJobs.Security;

namespace Unit.Tests.Security;

public class SharedAccessSignatureBuilderTests
{
    private const string Key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // "0123456789abcdef0123456789abcdef"
    private static readonly DateTimeOffset Expiry = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    private static string ExpectedSignature(string signedResource) =>
        Convert.ToBase64String(new HMACSHA256(Encoding.ASCII.GetBytes("0123456789abcdef0123456789abcdef"))
            .ComputeHash(Encoding.UTF8.GetBytes(signedResource + "\n1700000000")));

    [Fact]
    public void Signature_is_the_base64_hmac_sha256_of_sr_newline_se_under_the_decoded_key()
    {
        Assert.Equal(ExpectedSignature("myhub.azure-devices.net"),
            SharedAccessSignatureBuilder.ComputeSignature(Key, "myhub.azure-devices.net", "1700000000"));
    }

    [Fact]
    public void Csharp_style_encodes_sr_with_uppercase_hex_and_orders_sr_sig_se_skn()
    {
        var token = SharedAccessSignatureBuilder.Create("localhost:8443", "iothubowner", Key, Expiry, SasTokenStyle.CSharp);

        var expectedSig = System.Net.WebUtility.UrlEncode(ExpectedSignature("localhost%3A8443"));
        Assert.Equal($"SharedAccessSignature sr=localhost%3A8443&sig={expectedSig}&se=1700000000&skn=iothubowner", token);
    }

    [Fact]
    public void Node_style_sends_sr_raw_and_orders_sr_sig_skn_se()
    {
        var token = SharedAccessSignatureBuilder.Create("localhost:8443", "iothubowner", Key, Expiry, SasTokenStyle.Node);

        var expectedSig = ExpectedSignature("localhost:8443").Replace("+", "%2B").Replace("/", "%2F").Replace("=", "%3D");
        Assert.Equal($"SharedAccessSignature sr=localhost:8443&sig={expectedSig}&skn=iothubowner&se=1700000000", token);
    }

    [Fact]
    public void Node_style_signature_escapes_every_base64_symbol()
    {
        // Find an expiry whose signature holds '+', '/' and '=' so the strict encoding is really exercised.
        for (var se = 1_700_000_000L; ; se++)
        {
            var sig = SharedAccessSignatureBuilder.ComputeSignature(Key, "h", se.ToString(CultureInfo.InvariantCulture));
            if (!sig.Contains('+') || !sig.Contains('/')) continue;
            var token = SharedAccessSignatureBuilder.Create("h", "p", Key, DateTimeOffset.FromUnixTimeSeconds(se), SasTokenStyle.Node);
            var sent = token.Split('&')[1][4..];
            Assert.Equal(sig.Replace("+", "%2B").Replace("/", "%2F").Replace("=", "%3D"), sent);
            return;
        }
    }

    [Fact]
    public void Token_from_a_connection_string_names_its_policy_and_host()
    {
        var cs = IotHubConnectionString.Parse($"HostName=myhub.example.com;SharedAccessKeyName=service;SharedAccessKey={Key}");
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Expiry);

        var token = SharedAccessSignature.Parse(SharedAccessSignatureBuilder.Create(cs, TimeSpan.FromHours(1), clock));

        Assert.Equal("myhub.example.com", token.Resource);
        Assert.Equal("service", token.KeyName);
        Assert.Equal(Expiry.ToUnixTimeSeconds() + 3600, token.ExpiresAtUnixSeconds);
    }
}
