using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using IotHubJobs.Security;

namespace Benchmark;

/// <summary>HTTPS to the gateway, trusting only the dev CA, with a fresh SAS token per request as the SDKs do.</summary>
public sealed class HubHttp(HubEnv hub) : IDisposable
{
    private readonly HttpClient _http = Create(hub);

    private static HttpClient Create(HubEnv hub)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(hub.CaCertificatePath));
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 32 };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        return new HttpClient(handler) { BaseAddress = hub.Url, Timeout = TimeSpan.FromMinutes(2) };
    }

    public async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        var answer = await SendRawAsync(method, path, body);
        if ((int)answer.Status is < 200 or > 299) throw new InvalidOperationException($"{method} {path}: {(int)answer.Status} {answer.Text}");
        return answer.Text.Length == 0 ? null : JsonNode.Parse(answer.Text);
    }

    /// <summary>Any answer, with the Retry-After a 429 carries.</summary>
    public async Task<CreationBurst.Answer> SendRawAsync(HttpMethod method, string path, JsonNode? body = null)
    {
        using var request = new HttpRequestMessage(method, path + (path.Contains('?') ? "&" : "?") + "api-version=2021-04-12");
        request.Headers.TryAddWithoutValidation("Authorization", SharedAccessSignatureBuilder.Create(hub.Connection, TimeSpan.FromHours(1)));
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var response = await _http.SendAsync(request);
        return new CreationBurst.Answer(response.StatusCode, response.Headers.RetryAfter?.Delta, await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => _http.Dispose();
}
