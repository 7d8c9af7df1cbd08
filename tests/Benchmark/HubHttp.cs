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
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 16 };
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
        using var request = new HttpRequestMessage(method, path + (path.Contains('?') ? "&" : "?") + "api-version=2021-04-12");
        request.Headers.TryAddWithoutValidation("Authorization", SharedAccessSignatureBuilder.Create(hub.Connection, TimeSpan.FromHours(1)));
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    public void Dispose() => _http.Dispose();
}
