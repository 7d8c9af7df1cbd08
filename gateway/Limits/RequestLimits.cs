using IotHubJobs.IotHubErrors;
using Gateway.Devices;
using Gateway.Proxy;
using IotHubJobs.ServiceDefaults;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Limits;

/// <summary>
/// Request checks before anything is forwarded: a well-formed <c>api-version</c> (400 InvalidProtocolVersion),
/// a path whose escapes decode to UTF-8 and never to <c>/</c> (400 ArgumentInvalid) and a body no larger than
/// <c>Gateway:MaxRequestBodyBytes</c> (413, default 256 KiB; Kestrel enforces the same limit on bodies without
/// Content-Length). A body up to 4 times the limit is read and discarded before the 413, so the client, still sending,
/// gets the answer rather than a broken connection.
/// </summary>
public static class RequestLimits
{
    public const long DefaultMaxRequestBodyBytes = 256 * 1024;

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        var max = builder.Configuration.GetValue("Gateway:MaxRequestBodyBytes", DefaultMaxRequestBodyBytes);
        if (max <= 0) throw new InvalidOperationException("Gateway:MaxRequestBodyBytes must be positive.");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = max);
        return builder;
    }

    public static IApplicationBuilder UseRequestLimits(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!context.IsProxied() || context.IsDeviceConnection())
        {
            await next(context);
            return;
        }
        var versions = context.Request.Query[ApiVersion.QueryParameter];
        if (versions.Count == 0)
        {
            await IotHubErrorResponse.WriteAsync(context, IotHubError.InvalidProtocolVersion, "The api-version query parameter is required");
            return;
        }
        if (versions.Count > 1 || !ApiVersion.IsValid(versions.ToString()))
        {
            await IotHubErrorResponse.WriteAsync(context, IotHubError.InvalidProtocolVersion,
                "The api-version query parameter must look like 2021-04-12");
            return;
        }
        if (AmbiguousPath(context) is { } reason)
        {
            await IotHubErrorResponse.WriteAsync(context, IotHubError.ArgumentInvalid, reason);
            return;
        }
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (limit?.MaxRequestBodySize is { } max && context.Request.ContentLength is { } length && length > max)
        {
            await DiscardBodyAsync(context, limit, length, max);
            await IotHubErrorResponse.WriteAsync(context, IotHubError.RequestEntityTooLarge,
                $"The request body is larger than {max} bytes");
            return;
        }
        await next(context);
    });

    /// <summary>
    /// Kestrel decodes the path's escapes except <c>%2F</c> and those that are not UTF-8 (<c>%FF</c>), which it keeps as
    /// text. After it, <c>a%2Fb</c> (the id "a/b", as the SDKs encode it) and <c>a%252Fb</c> (the id "a%2Fb") look alike,
    /// and jobs-api would register "a%2Fb" for both; likewise "%FF". Only the raw request target still tells them apart.
    /// </summary>
    private static string? AmbiguousPath(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        var query = target.IndexOf('?');
        var path = query < 0 ? target : target[..query];
        var bytes = new List<byte>(path.Length);
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '%' && i + 2 < path.Length && byte.TryParse(path.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var escaped))
            {
                if (escaped == (byte)'/') return "A path segment holds an encoded '/' (%2F); device and job ids cannot contain '/'";
                bytes.Add(escaped);
                i += 2;
            }
            else
            {
                bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(path[i].ToString()));
            }
        }
        return System.Text.Unicode.Utf8.IsValid(bytes.ToArray()) ? null : "The request path's percent-escapes are not UTF-8";
    }

    /// <summary>
    /// A client still sending its body when the 413 arrives gets a broken pipe instead of the answer (Kestrel closes a
    /// connection whose body it will not read). A body at most <see cref="DiscardFactor"/> times the limit is therefore
    /// read and thrown away first — constant memory, a few KB at a time — so the client sees IoT Hub's 413; a larger
    /// one is refused at once, and the connection closes.
    /// </summary>
    private static async Task DiscardBodyAsync(HttpContext context, IHttpMaxRequestBodySizeFeature limit, long length, long max)
    {
        if (length > max * DiscardFactor || limit.IsReadOnly) return;
        limit.MaxRequestBodySize = length;
        var buffer = new byte[16 * 1024];
        try
        {
            while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0) { }
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
        {
            // the client gave up or sent less than it announced: the 413 is still the answer
        }
    }

    private const long DiscardFactor = 4;
}
