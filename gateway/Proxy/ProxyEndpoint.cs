using Yarp.ReverseProxy.Model;

namespace Gateway.Proxy;

public static class ProxyEndpoint
{
    /// <summary>
    /// True unless the request was routed to one of the gateway's own endpoints (health, metrics). A request that
    /// matched nothing counts as proxied, so it is checked like any other.
    /// </summary>
    public static bool IsProxied(this HttpContext context) =>
        context.GetEndpoint() is not { } endpoint || endpoint.Metadata.GetMetadata<RouteModel>() is not null;
}
