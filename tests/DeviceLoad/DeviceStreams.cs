using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;

namespace DeviceLoad;

/// <summary>
/// Opens each device's connection itself, for three things MQTTnet's own TLS options do not offer
/// (docs/benchmarks.md, "Real devices"):
/// <list type="bullet">
/// <item>a source address per group of devices (127.0.1.1, 127.0.1.2, …, all loopback): a real fleet connects from many
/// addresses, and the gateway limits CONNECTs per source address;</item>
/// <item>a full TLS handshake for every device (<c>AllowTlsResume = false</c>): .NET would otherwise resume one session
/// for all of them, sparing the server the handshake each new device costs it;</item>
/// <item>IPv4 to 127.0.0.1 with the TLS name of the hub, no DNS lookup and no certificate revocation check (a test
/// machine has no way to the internet); the chain is built against the hub's CA once per server certificate.</item>
/// </list>
/// MQTTnet then runs MQTT over the returned stream without TLS options of its own.
/// </summary>
public sealed class DeviceStreams(string host, IPAddress source, X509Certificate2 ca) : IMqttClientStreamProvider
{
    private static readonly ConcurrentDictionary<string, bool> Verified = new(StringComparer.Ordinal);

    public async Task<Stream> ConnectAsync(EndPoint brokerEndPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(brokerEndPoint, cancellationToken);
            var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    AllowTlsResume = false,
                    RemoteCertificateValidationCallback = Validate,
                }, cancellationToken);
                return tls;
            }
            catch
            {
                await tls.DisposeAsync();
                throw;
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) return false;
        var thumbprint = certificate.GetCertHashString();
        if (Verified.TryGetValue(thumbprint, out var trusted)) return trusted;
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(ca);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return Verified[thumbprint] = custom.Build(leaf);
    }
}
