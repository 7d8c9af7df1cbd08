using Microsoft.Net.Http.Headers;

namespace Gateway.Http;

/// <summary>
/// Headers of every answer the gateway sends, its own and jobs-api's alike. <c>X-Content-Type-Options: nosniff</c>: the
/// bodies are JSON written readably (an apostrophe stays <c>'</c>, services/jobs-api/Http/IotHubJson.cs), and a browser
/// must never guess them to be HTML. No <c>Server</c> header: what runs behind the door is nobody's business.
/// </summary>
public static class ResponseHeaders
{
    public static WebApplicationBuilder AddResponseHeaders(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        return builder;
    }

    public static IApplicationBuilder UseResponseHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var response = context.Response;
        // Set just before the headers go out, so this also covers (and replaces) what the proxy copied from jobs-api.
        response.OnStarting(() =>
        {
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.Remove(HeaderNames.Server);
            return Task.CompletedTask;
        });
        return next(context);
    });
}
