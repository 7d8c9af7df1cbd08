using Npgsql;

namespace Integration.Tests.Faults;

/// <summary>
/// Holds every executor's routing of device commands until disposed: routing first reads where devices are connected
/// (libs/Presence/DeviceRoutes.cs), and an exclusive lock on <c>presence.connections</c> makes that read wait. A command
/// published meanwhile reaches no device layer, so its device jobs stay pending, unclaimed, for as long as a spec needs.
/// </summary>
public static class RoutingBarrier
{
    public static async Task<HeldTransaction> HoldAsync(NpgsqlDataSource database) =>
        (await HeldTransaction.BeginAsync(database, "lock table presence.connections in access exclusive mode")).Held;
}
