namespace IotHubJobs.Security;

/// <summary>
/// The audience rule: the decoded <c>sr</c> is the hub host name, or a path under it (prefix by segment);
/// host names compare case-insensitively and a <c>:port</c> suffix on either side is ignored.
/// </summary>
public static class Audience
{
    public static bool Matches(string audience, string hostName)
    {
        var slash = audience.IndexOf('/');
        var authority = slash < 0 ? audience : audience[..slash];
        return authority.Length > 0
               && string.Equals(WithoutPort(authority), WithoutPort(hostName.Trim().TrimEnd('/')),
                   StringComparison.OrdinalIgnoreCase);
    }

    /// <summary><c>host:8443</c> → <c>host</c>; <c>[::1]:8443</c> → <c>[::1]</c>; anything else unchanged.</summary>
    public static string WithoutPort(string authority)
    {
        var colon = authority.LastIndexOf(':');
        if (colon < 0) return authority;
        if (authority.StartsWith('[') && authority.IndexOf(']') is var close && close > colon) return authority;
        if (!authority.StartsWith('[') && authority.IndexOf(':') != colon) return authority; // bare IPv6 literal
        var port = authority[(colon + 1)..];
        return port.Length > 0 && port.All(char.IsAsciiDigit) ? authority[..colon] : authority;
    }
}
