using System.Net;
using System.Net.Sockets;

namespace JobsApi.Webhooks;

/// <summary>
/// Addresses a webhook may not reach (docs/events.md, "Safety"): loopback, private, link-local (cloud metadata services
/// live there), carrier-grade NAT, unique-local, multicast, broadcast, reserved and unspecified — also in IPv4-mapped
/// IPv6 form, which would otherwise smuggle an IPv4 address past an IPv6 check.
/// </summary>
public static class InternalAddresses
{
    private static readonly (uint Network, int Bits)[] V4Blocks =
    [
        (0x00000000, 8),   // 0.0.0.0/8 "this network"
        (0x0A000000, 8),   // 10.0.0.0/8 private
        (0x64400000, 10),  // 100.64.0.0/10 carrier-grade NAT
        (0x7F000000, 8),   // 127.0.0.0/8 loopback
        (0xA9FE0000, 16),  // 169.254.0.0/16 link-local
        (0xAC100000, 12),  // 172.16.0.0/12 private
        (0xC0000000, 24),  // 192.0.0.0/24 protocol assignments
        (0xC0A80000, 16),  // 192.168.0.0/16 private
        (0xC6120000, 15),  // 198.18.0.0/15 benchmarking
        (0xE0000000, 4),   // 224.0.0.0/4 multicast
        (0xF0000000, 4),   // 240.0.0.0/4 reserved, and the broadcast address
    ];

    public static bool IsInternal(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            var value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
            return V4Blocks.Any(b => (value & (uint.MaxValue << (32 - b.Bits))) == b.Network);
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return true;
        if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6Any.Equals(address)) return true;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal) return true;
        var v6 = address.GetAddressBytes();
        // IPv4-compatible (::a.b.c.d, deprecated) addresses: judged by their IPv4 part.
        if (v6.Take(12).All(b => b == 0)) return IsInternal(new IPAddress(v6[12..]));
        return false;
    }
}
