using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using IotHubJobs.Security;

namespace IotHubJobs.Cli.Hub;

/// <summary>
/// IoT Hub's service REST API over HTTPS: every request signed with a SAS token made from the connection string
/// (libs/IotHubSecurity; renewed well before it expires), <c>api-version</c> added, refusals turned into
/// <see cref="HubRequestException"/> and transport failures into <see cref="HubUnreachableException"/>.
/// </summary>
public sealed class HubClient : IDisposable
{
    public const string ApiVersion = "2021-04-12";

    /// <summary>Outlasts the longest legal direct method (300 s response + 300 s connect; docs/iothub-api.md, "Direct methods").</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(11);
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromHours(1);

    private readonly HttpClient _http;
    private readonly IotHubConnectionString _connection;
    private readonly TimeProvider _time;
    private string? _token;
    private DateTimeOffset _tokenRenewAt;

    public HubClient(HubSettings settings, TimeProvider? time = null)
    {
        _connection = settings.Connection;
        _time = time ?? TimeProvider.System;
        _http = new HttpClient(Handler(settings.CaCertificatePath))
        {
            BaseAddress = settings.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan, // per request below; an event stream stays open as long as it is read
        };
    }

    public Task<HubAnswer> GetAsync(string path, CancellationToken ct, IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(HttpMethod.Get, path, null, ct, headers);

    public Task<HubAnswer> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct,
        IReadOnlyDictionary<string, string>? headers = null) =>
        SendAsync(method, path, body, ct, headers, ifMatch: null);

    public async Task<HubAnswer> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken ct,
        IReadOnlyDictionary<string, string>? headers, string? ifMatch)
    {
        using var request = Request(method, path, headers);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        using var response = await Send(request, HttpCompletionOption.ResponseContentRead, timeout.Token, ct);
        var text = await response.Content.ReadAsStringAsync(timeout.Token);
        if (!response.IsSuccessStatusCode) throw Refusal(response, text);
        return new HubAnswer(text.Length == 0 ? null : JsonNode.Parse(text), response.Headers);
    }

    /// <summary>
    /// Opens a streaming GET (Server-Sent Events); the caller reads and disposes the response. A refusal is returned,
    /// not thrown, so the caller can tell "no such stream here" from other errors.
    /// </summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, IReadOnlyDictionary<string, string> headers, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, path, headers);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return await Send(request, HttpCompletionOption.ResponseHeadersRead, ct, ct);
    }

    public static HubRequestException Refusal(HttpResponseMessage response, string body)
    {
        var header = response.Headers.TryGetValues("iothub-errorcode", out var values) ? values.FirstOrDefault() : null;
        return new HubRequestException(HubError.Read(response.StatusCode, header, body), body);
    }

    private HttpRequestMessage Request(HttpMethod method, string path, IReadOnlyDictionary<string, string>? headers)
    {
        var separator = path.Contains('?') ? '&' : '?';
        var request = new HttpRequestMessage(method, $"{path}{separator}api-version={ApiVersion}");
        request.Headers.TryAddWithoutValidation("Authorization", Token());
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private async Task<HttpResponseMessage> Send(HttpRequestMessage request, HttpCompletionOption completion,
        CancellationToken timeoutOrCaller, CancellationToken caller)
    {
        try
        {
            return await _http.SendAsync(request, completion, timeoutOrCaller);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            throw new HubUnreachableException($"The hub at {_http.BaseAddress} did not answer within {RequestTimeout.TotalMinutes:0} minutes");
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            throw new HubUnreachableException(
                $"The hub's certificate at {_http.BaseAddress} is not trusted (set {HubSettings.CaCertificateVariable} to the hub's CA file)", e);
        }
        catch (HttpRequestException e)
        {
            throw new HubUnreachableException($"Cannot reach the hub at {_http.BaseAddress}: {e.Message}", e);
        }
    }

    private string Token()
    {
        var now = _time.GetUtcNow();
        if (_token is null || now >= _tokenRenewAt)
        {
            _token = SharedAccessSignatureBuilder.Create(_connection, TokenLifetime, _time);
            _tokenRenewAt = now + TokenLifetime / 2;
        }
        return _token;
    }

    private static HttpClientHandler Handler(string? caCertificatePath)
    {
        var handler = new HttpClientHandler();
        if (caCertificatePath is null) return handler;
        if (!File.Exists(caCertificatePath))
            throw new HubNotConfiguredException($"{HubSettings.CaCertificateVariable} names a file that does not exist: {caCertificatePath}");
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caCertificatePath));
        handler.ServerCertificateCustomValidationCallback = (_, certificate, chain, errors) =>
        {
            if (certificate is null || chain is null) return false;
            if ((errors & System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate);
        };
        return handler;
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A successful answer: its JSON body (null when empty) and the headers paging needs.</summary>
public sealed record HubAnswer(JsonNode? Body, HttpResponseHeaders Headers)
{
    public string? Header(string name) => Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
