using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace IotHubJobs.Certificates;

/// <summary>
/// The hub's TLS identity, shared by the HTTPS gateway and the device gateway (MQTT): a private development CA and a server certificate it signed, kept in one folder:
/// <c>ca.pem</c> (the certificate clients trust, e.g. NODE_EXTRA_CA_CERTS), <c>ca.key</c> (its key, mode 600),
/// <c>server.pfx</c> (server certificate + key, mode 600). Made on first start, reused afterwards; the server
/// certificate is remade when it nears expiry or lacks a required name (localhost, 127.0.0.1, ::1, the hub host).
/// </summary>
public sealed class DevCertificates
{
    public const string CaCertificateFile = "ca.pem";
    public const string CaKeyFile = "ca.key";
    public const string ServerFile = "server.pfx";
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private DevCertificates(X509Certificate2 server, string caFile, string origin)
    {
        Server = server;
        CaFile = caFile;
        Origin = origin;
    }

    public X509Certificate2 Server { get; }
    public string CaFile { get; }
    public string Origin { get; }

    public static DevCertificates LoadOrCreate(string directory, string hubHostName, TimeProvider time)
    {
        CreateOwnerOnlyDirectory(directory);
        using var _ = FolderLock.Acquire(Path.Combine(directory, ".lock"));
        var now = time.GetUtcNow();
        var caCertPath = Path.Combine(directory, CaCertificateFile);
        var caKeyPath = Path.Combine(directory, CaKeyFile);
        var serverPath = Path.Combine(directory, ServerFile);
        var names = SubjectNames.For(hubHostName);

        var origin = "reused";
        using var ca = LoadCa(caCertPath, caKeyPath, now) ?? CreateCa(caCertPath, caKeyPath, now, out origin);
        var server = LoadServer(serverPath, ca, names, now);
        if (server is null)
        {
            server = CertificateFactory.CreateServer(ca, names, now);
            WriteFile(serverPath, server.Export(X509ContentType.Pkcs12), OwnerOnly);
            server = X509CertificateLoader.LoadPkcs12FromFile(serverPath, password: null);
            if (origin == "reused") origin = "server certificate renewed";
        }
        return new DevCertificates(server, caCertPath, origin);
    }

    private static X509Certificate2 CreateCa(string certPath, string keyPath, DateTimeOffset now, out string origin)
    {
        origin = "created";
        var ca = CertificateFactory.CreateCa(now);
        using var key = ca.GetRSAPrivateKey()!;
        WriteFile(keyPath, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()), OwnerOnly);
        WriteFile(certPath, System.Text.Encoding.ASCII.GetBytes(ca.ExportCertificatePem()),
            OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        return ca;
    }

    private static X509Certificate2? LoadCa(string certPath, string keyPath, DateTimeOffset now)
    {
        if (!File.Exists(certPath) || !File.Exists(keyPath)) return null;
        var ca = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        if (ca.NotAfter.ToUniversalTime() - RenewBefore > now.UtcDateTime) return ca;
        ca.Dispose();
        return null;
    }

    private static X509Certificate2? LoadServer(string path, X509Certificate2 ca, SubjectNames names, DateTimeOffset now)
    {
        if (!File.Exists(path)) return null;
        var server = X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
        if (server.HasPrivateKey && server.NotAfter.ToUniversalTime() - RenewBefore > now.UtcDateTime
            && names.AreAllIn(server) && IssuedBy(server, ca))
            return server;
        server.Dispose();
        return null;
    }

    private static bool IssuedBy(X509Certificate2 server, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(server);
    }

    /// <summary>
    /// A folder the first process creates holds private keys: mode 700 from the start. An existing folder (run.sh's, a
    /// compose volume) keeps the mode its owner gave it; the key files inside are 600 either way.
    /// </summary>
    private static void CreateOwnerOnlyDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, OwnerOnly | UnixFileMode.UserExecute);
    }

    /// <summary>Written to a temporary file with its final permissions, then moved into place.</summary>
    private static void WriteFile(string path, byte[] content, UnixFileMode mode)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        using (var stream = new FileStream(temporary, options)) stream.Write(content);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, mode);
        File.Move(temporary, path, overwrite: true);
        CryptographicOperations.ZeroMemory(content);
    }

    internal sealed record SubjectNames(IReadOnlyList<string> Dns, IReadOnlyList<IPAddress> Addresses)
    {
        public static SubjectNames For(string hubHostName)
        {
            var host = IotHubJobs.Security.Audience.WithoutPort(hubHostName).Trim('[', ']');
            var dns = new List<string> { "localhost" };
            var addresses = new List<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
            if (IPAddress.TryParse(host, out var ip)) { if (!addresses.Contains(ip)) addresses.Add(ip); }
            else if (!dns.Contains(host, StringComparer.OrdinalIgnoreCase)) dns.Add(host.ToLowerInvariant());
            return new SubjectNames(dns, addresses);
        }

        public bool AreAllIn(X509Certificate2 certificate)
        {
            var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
            if (san is null) return false;
            var dns = san.EnumerateDnsNames().ToHashSet(StringComparer.OrdinalIgnoreCase);
            var ips = san.EnumerateIPAddresses().ToHashSet();
            return Dns.All(dns.Contains) && Addresses.All(ips.Contains);
        }
    }
}
