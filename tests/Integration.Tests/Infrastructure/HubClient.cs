using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using IotHubJobs.Security;

namespace Integration.Tests.Infrastructure;

/// <summary>An IoT Hub service client over HTTPS that trusts only the gateway's dev CA and signs every call with SAS.</summary>
public sealed class HubClient : IDisposable
{
    public const string ApiVersion = "2021-04-12";
    private readonly HttpClient _http;
    private readonly string _hostName;

    public HubClient(Uri baseAddress, string caCertificatePath, string hostName, string policy, string key)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caCertificatePath));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, chain, _) =>
            {
                if (certificate is null || chain is null) return false;
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(certificate);
            },
        };
        _http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        _hostName = hostName;
        Policy = policy;
        Key = key;
    }

    public string HostName => _hostName;
    public string Policy { get; set; }
    public string Key { get; set; }

    public string Token(TimeSpan? validFor = null) =>
        SharedAccessSignatureBuilder.Create(_hostName, Policy, Key, DateTimeOffset.UtcNow + (validFor ?? TimeSpan.FromHours(1)));

    public async Task<HubResponse> SendAsync(HttpMethod method, string path, JsonNode? body = null,
        Action<HttpRequestMessage>? configure = null, string? authorization = null)
    {
        var separator = path.Contains('?') ? '&' : '?';
        using var request = new HttpRequestMessage(method, $"{path}{separator}api-version={ApiVersion}");
        request.Headers.TryAddWithoutValidation("Authorization", authorization ?? Token());
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        configure?.Invoke(request);
        return await SendAsync(request);
    }

    /// <summary>Sends the request exactly as built: no token, no api-version, for requests that must be malformed.</summary>
    public async Task<HubResponse> SendAsync(HttpRequestMessage request)
    {
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new HubResponse(response.StatusCode, text, response.Headers, response.Content.Headers.ContentType);
    }

    /// <summary>
    /// A GET whose answer is read as it arrives (an event stream): returned once the headers are in; the caller reads and
    /// disposes the body.
    /// </summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, Action<HttpRequestMessage>? configure = null, CancellationToken ct = default)
    {
        var separator = path.Contains('?') ? '&' : '?';
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{path}{separator}api-version={ApiVersion}");
        request.Headers.TryAddWithoutValidation("Authorization", Token());
        configure?.Invoke(request);
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    public Task<HubResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path);
    public Task<HubResponse> PutAsync(string path, JsonNode body) => SendAsync(HttpMethod.Put, path, body);
    public Task<HubResponse> PostAsync(string path, JsonNode? body = null) => SendAsync(HttpMethod.Post, path, body);

    public void Dispose() => _http.Dispose();
}

public sealed record HubResponse(HttpStatusCode Status, string Text, HttpResponseHeaders Headers, MediaTypeHeaderValue? ContentType)
{
    public JsonNode Json => JsonNode.Parse(Text) ?? throw new InvalidOperationException("empty body");

    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? values.First() : null;

    public HubResponse EnsureStatus(HttpStatusCode expected) =>
        Status == expected ? this : throw new Xunit.Sdk.XunitException($"Expected {(int)expected} but got {(int)Status}: {Text}");
}
