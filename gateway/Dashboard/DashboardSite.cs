using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Gateway.Dashboard;

/// <summary>
/// The operator dashboard (docs/dashboard.md): static files under <c>/dashboard/</c>, served by the gateway itself before
/// any SAS check — the files hold no data and no secret. Every request the page makes for data goes to the hub's own REST
/// API with a SAS token the browser computes (design decision 11), through the same checks as any other client.
/// Only GET and HEAD; a strict Content-Security-Policy: scripts and styles only from these files (no inline code), data
/// only from this origin, no framing, and Trusted Types so no script can write HTML from a string.
/// </summary>
public static class DashboardSite
{
    public const string PathPrefix = "/dashboard";

    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "form-action 'none'; base-uri 'none'; frame-ancestors 'none'; " +
        "require-trusted-types-for 'script'; trusted-types 'none'";

    /// <summary>Where the build puts the files (gateway/Gateway.csproj copies <c>Dashboard/site</c> to the output).</summary>
    public static string SiteDirectory => Path.Combine(AppContext.BaseDirectory, "Dashboard", "site");

    public static IApplicationBuilder UseDashboard(this IApplicationBuilder app)
    {
        var files = new PhysicalFileProvider(SiteDirectory);
        return app.Map(PathPrefix, site =>
        {
            site.Use(async (context, next) =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers.CacheControl = "no-cache"; // revalidate (ETag), so an upgraded gateway's files are used at once
                if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
                {
                    context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                    headers.Allow = "GET, HEAD";
                    return;
                }
                if (!context.Request.Path.HasValue)
                {
                    context.Response.Redirect(PathPrefix + "/", permanent: false);
                    return;
                }
                await next(context);
            });
            site.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            site.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = files,
                ContentTypeProvider = new FileExtensionContentTypeProvider(),
                ServeUnknownFileTypes = false,
            });
            site.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync("Not found\n");
            });
        });
    }
}
