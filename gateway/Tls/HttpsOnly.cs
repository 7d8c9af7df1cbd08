namespace Gateway.Tls;

/// <summary>
/// The gateway never serves plain HTTP. At start it refuses to run when an <c>http://</c> URL (ASPNETCORE_URLS,
/// --urls, Kestrel:Endpoints) or ASPNETCORE_HTTP_PORTS is configured; with nothing configured it listens on
/// <c>https://localhost:8443</c>. Should a plain connection reach it anyway, the connection is dropped unanswered.
/// </summary>
public static class HttpsOnly
{
    public const string DefaultUrl = "https://localhost:8443";

    public static void RequireHttpsEndpoints(WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var endpoints = config.GetSection("Kestrel:Endpoints").GetChildren()
            .Select(e => e["Url"]).OfType<string>().ToList();
        var urls = (config["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var plain = endpoints.Concat(urls).Where(u => !u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)).ToList();
        if (plain.Count > 0)
            throw new InvalidOperationException(
                $"The gateway serves HTTPS only; remove these non-https URLs from its configuration: {string.Join(", ", plain)}");
        if (endpoints.Count == 0 && urls.Length == 0)
        {
            if (!string.IsNullOrWhiteSpace(config["http_ports"]))
                throw new InvalidOperationException(
                    "The gateway serves HTTPS only; unset ASPNETCORE_HTTP_PORTS and set ASPNETCORE_URLS=https://0.0.0.0:<port>.");
            if (string.IsNullOrWhiteSpace(config["https_ports"]))
                builder.WebHost.UseUrls(DefaultUrl);
        }
    }

    /// <summary>Drops any request that did not arrive over TLS, without writing a response.</summary>
    public static IApplicationBuilder UseHttpsOnly(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.IsHttps) return next(context);
        context.Abort();
        return Task.CompletedTask;
    });
}
