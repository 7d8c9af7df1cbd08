using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Observability;

[Collection(SystemCollection.Name)]
public sealed class SecretsSpecs(SystemUnderTest system)
{
    [Fact]
    public async Task No_log_line_or_span_of_any_service_holds_a_key_or_a_signature()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var token = system.Hub.Token();
        var signature = Uri.UnescapeDataString(token.Split("sig=")[1].Split('&')[0]);
        await Fleet.CreateAsync(system.Hub, $"secret-{run}", 3, new JsonObject { ["run"] = run });
        (await system.Hub.PutAsync($"/jobs/v2/secret-{run}", Fleet.MethodJob($"secret-{run}", $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
        await Fleet.WaitUntilFinishedAsync(system.Hub, $"secret-{run}");
        var refused = await system.Hub.SendAsync(HttpMethod.Get, $"/jobs/v2/secret-{run}", authorization: token.Replace("sig=", "sig=x"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);

        var secrets = system.PolicyKeys.Values.Append(signature).Append(Uri.EscapeDataString(signature)).ToList();
        foreach (var service in system.Services.Values)
        {
            var log = service.ReadLog();
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, log));
            Assert.DoesNotContain("SharedAccessSignature sr=", log);
        }
        var attributes = system.Traces.Spans.SelectMany(s => s.Attributes.Values).ToList();
        Assert.All(secrets, secret => Assert.DoesNotContain(attributes, value => value.Contains(secret)));
    }
}
