using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace DeviceGateway.Mqtt;

/// <summary>
/// The plain-HTTP endpoints of <c>ASPNETCORE_URLS</c> (health, metrics, and MQTT over WebSocket for the gateway's proxy).
/// Kestrel ignores that setting once any endpoint is configured in code, as the MQTT-over-TLS one is, so they are
/// bound here the same way. This port is internal: only the gateway faces devices with it.
/// </summary>
public static class HttpEndpoints
{
    public static void ListenOn(KestrelServerOptions kestrel, string? urls)
    {
        foreach (var url in (urls ?? "http://127.0.0.1:5106").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (scheme, host, port) = Split(url);
            if (scheme != "http") throw new InvalidOperationException($"The device gateway's HTTP endpoint must be http:// (it is internal): {url}");
            if (host is "+" or "*" or "0.0.0.0" or "[::]") kestrel.ListenAnyIP(port);
            else if (host == "localhost") kestrel.ListenLocalhost(port);
            else kestrel.Listen(IPAddress.Parse(host.Trim('[', ']')), port);
        }
    }

    private static (string Scheme, string Host, int Port) Split(string url)
    {
        var scheme = url[..url.IndexOf("://", StringComparison.Ordinal)].ToLowerInvariant();
        var authority = url[(scheme.Length + 3)..].TrimEnd('/');
        var colon = authority.LastIndexOf(':');
        return colon > 0 && int.TryParse(authority[(colon + 1)..], out var port) && !authority[(colon + 1)..].Contains(']')
            ? (scheme, authority[..colon], port)
            : (scheme, authority, 80);
    }
}
