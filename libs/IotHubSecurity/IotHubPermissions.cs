namespace IotHubJobs.Security;

/// <summary>
/// Which right a service request needs (docs/iothub-api.md, "SAS tokens, policies and permissions"; the right for jobs
/// is our choice). The result lists alternatives: any one of them suffices. <see cref="AccessRights.None"/> means the
/// request names no operation of the service (the gateway answers an authenticated one with 404 GenericNotFound).
/// </summary>
public static class IotHubPermissions
{
    public static AccessRights RequiredRights(string method, string path)
    {
        var s = Segments(path);
        if (s is null || s.Length == 0) return AccessRights.None;
        return s[0].ToLowerInvariant() switch
        {
            "jobs" when s.Length >= 3 && Is(s[1], "v2") => Jobs(method, s),
            "devices" => Devices(method, s),
            "twins" => Twins(method, s),
            "webhooks" => Webhooks(method, s),
            _ => AccessRights.None,
        };
    }

    public static bool IsAllowed(AccessRights granted, string method, string path) =>
        (RequiredRights(method, path) & granted) != AccessRights.None;

    /// <summary>
    /// Only the jobs v2 operations (docs/iothub-api.md, "Jobs v2") and our rollout commands (docs/rollouts.md); any
    /// other verb or path under /jobs/v2 is no operation.
    /// </summary>
    private static AccessRights Jobs(string method, string[] s) => s.Length switch
    {
        3 when Is(method, "GET") && Is(s[2], "events") => JobEvents,
        3 when Is(method, "GET") || (Is(method, "PUT") && !Is(s[2], "query")) => AccessRights.ServiceConnect,
        4 when Is(method, "POST") && (Is(s[3], "cancel") || Is(s[3], "pause") || Is(s[3], "resume") || Is(s[3], "approve")) => AccessRights.ServiceConnect,
        6 when Is(method, "POST") && Is(s[3], "devices") && Is(s[5], "cancel") => AccessRights.ServiceConnect,
        4 when Is(method, "GET") && Is(s[3], "events") => JobEvents,
        _ => AccessRights.None,
    };

    /// <summary>Job event streams (docs/events.md) only read: the right to read the registry or the one to run jobs.</summary>
    private const AccessRights JobEvents = AccessRights.ServiceConnect | AccessRights.RegistryRead;

    /// <summary>Webhook subscriptions (docs/events.md, "Webhooks") send hub data to a URL: registry write, like the registry's own changes.</summary>
    private static AccessRights Webhooks(string method, string[] s) => s.Length switch
    {
        1 when Is(method, "GET") => AccessRights.RegistryWrite,
        2 when Is(method, "GET") || Is(method, "PUT") || Is(method, "DELETE") => AccessRights.RegistryWrite,
        3 when Is(method, "GET") && Is(s[2], "deliveries") => AccessRights.RegistryWrite,
        _ => AccessRights.None,
    };

    private static AccessRights Devices(string method, string[] s) => s.Length switch
    {
        1 when Is(method, "POST") => AccessRights.RegistryWrite,                                   // bulk import/delete
        2 when Is(method, "POST") && Is(s[1], "query") => AccessRights.ServiceConnect | AccessRights.RegistryRead,
        2 when Is(method, "GET") => AccessRights.RegistryRead,
        2 when Is(method, "PUT") || Is(method, "DELETE") => AccessRights.RegistryWrite,
        _ => AccessRights.None,
    };

    private static AccessRights Twins(string method, string[] s) => s.Length switch
    {
        2 when Is(method, "GET") || Is(method, "PATCH") || Is(method, "PUT") => AccessRights.ServiceConnect,
        3 when Is(method, "POST") && Is(s[2], "methods") => AccessRights.ServiceConnect,
        _ => AccessRights.None,
    };

    /// <summary>"/a/b/" → [a, b]; null for a relative path or an empty segment in the middle ("/a//b").</summary>
    private static string[]? Segments(string path)
    {
        if (!path.StartsWith('/')) return null;
        var trimmed = path.Length > 1 && path.EndsWith('/') ? path[1..^1] : path[1..];
        if (trimmed.Length == 0) return [];
        var segments = trimmed.Split('/');
        return segments.Any(x => x.Length == 0) ? null : segments;
    }

    private static bool Is(string value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);
}
