using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Gateway;

/// <summary>
/// Sends an HTTP/1.1 request line exactly as written over TLS to the gateway. HttpClient resolves <c>..</c> and some
/// escapes before sending; this does not, so the gateway itself sees <c>/devices/..</c> or <c>/devices/%2E%2E</c>.
/// </summary>
public static class RawHttps
{
    public sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers, string Body, string Raw);

    public static async Task<Answer> SendAsync(SystemUnderTest system, string method, string target, string? authorization, string? body = null)
    {
        var gateway = system.ServiceUrl("gateway");
        var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(system.RunDirectory, "certs", "ca.pem")));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", gateway.Port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, chain, _) =>
        {
            if (certificate is null || chain is null) return false;
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        });
        await tls.AuthenticateAsClientAsync("localhost");

        var content = Encoding.UTF8.GetBytes(body ?? "");
        var request = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        if (authorization is not null) request.Append($"Authorization: {authorization}\r\n");
        if (body is not null) request.Append($"Content-Type: application/json; charset=utf-8\r\nContent-Length: {content.Length}\r\n");
        request.Append("\r\n");
        await tls.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        await tls.WriteAsync(content);

        using var received = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await tls.CopyToAsync(received, timeout.Token);
        return Parse(received.ToArray());
    }

    private static Answer Parse(byte[] raw)
    {
        var end = raw.AsSpan().IndexOf("\r\n\r\n"u8);
        var head = Encoding.ASCII.GetString(raw, 0, end).Split("\r\n");
        var headers = head.Skip(1)
            .Select(line => line.Split(':', 2))
            .GroupBy(parts => parts[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(",", g.Select(parts => parts[1].Trim())), StringComparer.OrdinalIgnoreCase);
        var body = raw[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            body = Unchunk(body);
        return new Answer(int.Parse(head[0].Split(' ')[1]), headers, Encoding.UTF8.GetString(body), Encoding.UTF8.GetString(raw));
    }

    private static byte[] Unchunk(byte[] chunked)
    {
        using var body = new MemoryStream();
        var at = 0;
        while (true)
        {
            var lineEnd = at + chunked.AsSpan(at).IndexOf("\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, at, lineEnd - at).Split(';')[0], 16);
            if (size == 0) return body.ToArray();
            body.Write(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
