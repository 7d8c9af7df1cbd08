using System.Net;
using System.Security.Cryptography;
using Integration.Tests.Infrastructure;
using IotHubJobs.Security;

namespace Integration.Tests.Secrets;

/// <summary>
/// A refusal names what is wrong with a credential, never the credential: no 401 answer (body or headers) and no log
/// line or span attribute repeats a token, its signature or a key, whatever the client put into the Authorization header.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RefusalSecretsSpecs(SystemUnderTest system)
{
    private static readonly string ForeignKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static TheoryData<string> Forgeries => new()
    {
        "signature altered", "signed with another key", "expired", "unknown policy", "another hub's audience",
        "repeated signature field", "connection string instead of a token", "bare key instead of a token",
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_forged_credential_is_refused_with_401_without_echoing_it(string forgery)
    {
        var ownerKey = system.PolicyKeys["iothubowner"];
        var (authorization, genuineSignature) = Forge(forgery, ownerKey);
        var path = $"/jobs/v2/forged-{Guid.NewGuid():N}";
        var answer = await system.Hub.SendAsync(HttpMethod.Get, path, authorization: authorization);

        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Equal("IotHubUnauthorizedAccess", answer.Header("iothub-errorcode"));
        var everythingSent = answer.Text + string.Join("\n", answer.Headers.Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
        var secrets = SecretsIn(authorization).Append(ownerKey).Append(ForeignKey).Append(genuineSignature).ToList();
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, everythingSent));
        var gatewayLog = system.Services["gateway"].ReadLog();
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, gatewayLog));
        var span = await RefusalSpanAsync(path);
        Assert.All(secrets, secret => Assert.DoesNotContain(span.Attributes.Values, value => value.Contains(secret)));
    }

    /// <summary>The gateway's span of the refused request (spans are exported in batches, within a second or so).</summary>
    private async Task<OtlpReceiver.Span> RefusalSpanAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var span = system.Traces.Spans.FirstOrDefault(s => s.Service == "gateway" && s.Attributes.GetValueOrDefault("url.path") == path);
            if (span is not null) return span;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"no gateway span for {path}");
            await Task.Delay(100);
        }
    }

    /// <summary>The Authorization header to send, and the signature of the genuine token it was made from.</summary>
    private static (string Authorization, string GenuineSignature) Forge(string forgery, string ownerKey)
    {
        var inAnHour = DateTimeOffset.UtcNow.AddHours(1);
        var valid = SharedAccessSignatureBuilder.Create("localhost", "iothubowner", ownerKey, inAnHour);
        var genuineSignature = Uri.UnescapeDataString(valid.Split("sig=")[1].Split('&')[0]);
        return (forgery switch
        {
            "signature altered" => valid.Replace("sig=", "sig=AAAA"),
            "signed with another key" => SharedAccessSignatureBuilder.Create("localhost", "iothubowner", ForeignKey, inAnHour),
            "expired" => SharedAccessSignatureBuilder.Create("localhost", "iothubowner", ownerKey, DateTimeOffset.UtcNow.AddHours(-1)),
            "unknown policy" => SharedAccessSignatureBuilder.Create("localhost", "no-such-policy", ownerKey, inAnHour),
            "another hub's audience" => SharedAccessSignatureBuilder.Create("other-hub.example", "iothubowner", ownerKey, inAnHour),
            "repeated signature field" => valid + "&sig=" + Uri.EscapeDataString(ForeignKey),
            "connection string instead of a token" => $"HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey={ownerKey}",
            "bare key instead of a token" => ownerKey,
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        }, genuineSignature);
    }

    /// <summary>The whole header and every signature in it, raw and URL-decoded.</summary>
    private static IEnumerable<string> SecretsIn(string authorization)
    {
        yield return authorization;
        foreach (var part in authorization.Split('&', ' ', ';'))
        {
            if (part.StartsWith("sig=", StringComparison.OrdinalIgnoreCase) && part.Length > 8)
            {
                yield return part[4..];
                yield return Uri.UnescapeDataString(part[4..]);
            }
        }
    }
}
