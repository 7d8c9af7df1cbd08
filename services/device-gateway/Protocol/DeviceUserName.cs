namespace DeviceGateway.Protocol;

/// <summary>
/// The CONNECT user name of IoT Hub's device protocol: <c>{host}/{deviceId}/?api-version=…&amp;DeviceClientType=…</c>
/// (docs/devices.md, "Protocol"). Split at the first <c>?</c>; the part before must be the host the device was
/// configured with (with or without a port) and the client id. The query is informational and is not checked.
/// Modules (<c>{deviceId}/{moduleId}</c>) are not served.
/// </summary>
public static class DeviceUserName
{
    /// <returns>The reason the user name does not fit the client id and the hub, or null when it fits.</returns>
    public static string? Problem(string? userName, string clientId, string hubHostName)
    {
        if (string.IsNullOrEmpty(userName)) return "no user name";
        var query = userName.IndexOf('?');
        var path = query < 0 ? userName : userName[..query];
        if (path.EndsWith('/')) path = path[..^1];
        var slash = path.IndexOf('/');
        if (slash <= 0) return "the user name is not {host}/{deviceId}/?api-version=…";
        var host = path[..slash];
        if (!IotHubJobs.Security.Audience.Matches(host, hubHostName)) return "the user name names another hub";
        return path[(slash + 1)..] == clientId ? null : "the user name names another device than the client id";
    }
}
