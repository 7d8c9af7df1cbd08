using System.Net;
using System.Net.Sockets;

namespace JobsApi.Webhooks;

/// <summary>
/// Which webhook URLs may be contacted (docs/events.md, "Safety"): https to hosts outside the hub's own networks, and
/// anything to the hosts of <c>Webhooks:AllowedHosts</c> (<c>HUB_WEBHOOK_ALLOWED_HOSTS</c>: names or addresses,
/// comma-separated), which may also use http. Checked at subscription and again on every connection a delivery opens.
/// </summary>
public sealed class WebhookUrlPolicy
{
    public const int MaxUrlLength = 2048;
    private readonly HashSet<string> _allowedNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<IPAddress> _allowedAddresses = [];

    public WebhookUrlPolicy(IConfiguration configuration)
    {
        var list = configuration["Webhooks:AllowedHosts"] ?? "";
        foreach (var entry in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPAddress.TryParse(entry.Trim('[', ']'), out var address)) _allowedAddresses.Add(Normal(address));
            else _allowedNames.Add(entry.TrimEnd('.'));
        }
    }

    /// <summary>A host listed in the allowed hosts, by name or by address.</summary>
    public bool IsAllowedHost(string host)
    {
        var bare = host.Trim('[', ']');
        return IPAddress.TryParse(bare, out var address) ? _allowedAddresses.Contains(Normal(address)) : _allowedNames.Contains(bare.TrimEnd('.'));
    }

    /// <summary>Why this URL may not be subscribed, or null when it may. Resolves the host's name (never connects).</summary>
    public async Task<string?> RefusalAsync(string url, CancellationToken ct)
    {
        if (url.Length > MaxUrlLength) return $"url is longer than {MaxUrlLength} characters.";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0 || uri.Scheme is not ("https" or "http"))
            return "url must be an absolute https URL.";
        if (uri.UserInfo.Length > 0) return "url may not hold a user name or password.";
        if (IsAllowedHost(uri.Host)) return null;
        if (uri.Scheme != "https") return "url must use https (http only for hosts listed in HUB_WEBHOOK_ALLOWED_HOSTS).";
        IPAddress[] addresses;
        try
        {
            addresses = await AddressesAsync(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return "url's host name could not be resolved.";
        }
        return addresses.Length == 0 || addresses.Any(InternalAddresses.IsInternal)
            ? "url's host is or resolves to a loopback, private, link-local or otherwise internal address (allow it with HUB_WEBHOOK_ALLOWED_HOSTS)."
            : null;
    }

    /// <summary>
    /// The addresses a delivery may connect to for this host: all of them for an allowed host, else all of them only if
    /// none is internal (a name that also resolves inside — DNS rebinding — is refused as a whole).
    /// </summary>
    public async Task<IPAddress[]> ConnectableAsync(string host, CancellationToken ct)
    {
        var addresses = await AddressesAsync(host, ct);
        if (IsAllowedHost(host)) return addresses;
        return addresses.Length > 0 && !addresses.Any(InternalAddresses.IsInternal) ? addresses : [];
    }

    private static async Task<IPAddress[]> AddressesAsync(string host, CancellationToken ct)
    {
        var bare = host.Trim('[', ']');
        return IPAddress.TryParse(bare, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(bare, ct);
    }

    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
