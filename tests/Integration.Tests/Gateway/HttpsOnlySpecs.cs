using System.Net.Sockets;
using System.Text;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Gateway;

/// <summary>The gateway never serves plain HTTP: not on its HTTPS port, and it will not start with an http:// URL.</summary>
[Collection(SystemCollection.Name)]
public sealed class HttpsOnlySpecs(SystemUnderTest system)
{
    [Fact]
    public async Task A_plain_HTTP_request_with_a_valid_token_to_the_gateway_gets_no_HTTP_answer()
    {
        var port = system.ServiceUrl("gateway").Port;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var stream = tcp.GetStream();
        var request = $"GET /jobs/v2/query?api-version={HubClient.ApiVersion} HTTP/1.1\r\nHost: localhost\r\n"
                      + $"Authorization: {system.Hub.Token()}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

        var answer = await ReadUntilClosedAsync(stream);

        Assert.DoesNotContain("HTTP/1.1 200", answer);
        Assert.DoesNotContain("JobResponse", answer);
    }

    [Fact]
    public async Task The_gateway_refuses_to_start_with_a_plain_http_url_and_names_it()
    {
        await using var gateway = GatewayProcess.Start(system, "plain-http-gateway", ("ASPNETCORE_URLS", "http://127.0.0.1:5999"));

        var log = await gateway.WaitForExitAsync("HTTPS only", TimeSpan.FromSeconds(60));

        Assert.Contains("HTTPS only", log);
        Assert.Contains("http://127.0.0.1:5999", log);
    }

    /// <summary>Whatever the server sends before it closes the connection (TLS alerts read as bytes), as Latin-1 text.</summary>
    private static async Task<string> ReadUntilClosedAsync(NetworkStream stream)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0) received.Write(buffer, 0, read);
        }
        catch (IOException) { } // reset by the server: nothing (more) was sent
        return Encoding.Latin1.GetString(received.ToArray());
    }
}
