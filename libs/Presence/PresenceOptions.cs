using Microsoft.Extensions.Configuration;

namespace IotHubJobs.Presence;

/// <summary>
/// How often a device-gateway instance proves it is alive (<c>Presence:HeartbeatSeconds</c>, default 5) and how old its
/// last proof may be before others take it for dead and clear its devices (<c>Presence:StaleAfterSeconds</c>, default
/// 20). Everyone who reads presence must agree on the second, so it is one setting.
/// </summary>
public sealed record PresenceOptions(TimeSpan HeartbeatInterval, TimeSpan StaleAfter)
{
    public static PresenceOptions From(IConfiguration configuration) => new(
        TimeSpan.FromSeconds(configuration.GetValue("Presence:HeartbeatSeconds", 5.0)),
        TimeSpan.FromSeconds(configuration.GetValue("Presence:StaleAfterSeconds", 20.0)));
}
