using System.Security.Authentication;
using Gateway.Auth;
using IotHubJobs.Certificates;

namespace Gateway.Tls;

public static class GatewayTls
{
    /// <summary>
    /// HTTPS with the development certificate from <c>Gateway:CertificateDirectory</c> (default
    /// <c>.local/certs</c> under the content root), created on first start. See <see cref="DevCertificates"/>.
    /// </summary>
    public static WebApplicationBuilder AddGatewayTls(this WebApplicationBuilder builder)
    {
        HttpsOnly.RequireHttpsEndpoints(builder);
        var directory = builder.Configuration["Gateway:CertificateDirectory"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(builder.Environment.ContentRootPath, ".local", "certs");
        var certificates = DevCertificates.LoadOrCreate(directory, builder.Configuration.HubHostName(), TimeProvider.System);
        builder.Services.AddSingleton(certificates);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = certificates.Server;
                https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
            });
        });
        return builder;
    }

    public static WebApplication LogCertificates(this WebApplication app)
    {
        var certificates = app.Services.GetRequiredService<DevCertificates>();
        app.Logger.LogInformation(
            "TLS: server certificate {Subject} (expires {NotAfter:u}, {Origin}); clients trust {CaFile}",
            certificates.Server.Subject, certificates.Server.NotAfter.ToUniversalTime(), certificates.Origin, certificates.CaFile);
        return app;
    }
}
