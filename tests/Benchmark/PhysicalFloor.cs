using System.Text.Json.Nodes;
using Npgsql;

namespace Benchmark;

/// <summary>
/// What this machine's PostgreSQL and broker do bare, measured right after the job on the same hub's servers
/// (PostgresFloor, BusFloor), and the job's rate as a share of each: jobShareOfPgFloor = device operations per second
/// ÷ ledger rows inserted and updated per second; jobShareOfBusFloor = device operations per second ÷ bare messages
/// per second; busFloorUsedByJob = the job's own messages per second ÷ bare messages per second.
/// </summary>
public static class PhysicalFloor
{
    public const int BusMessages = 20_000;

    public static async Task<JsonObject?> MeasureAsync(NpgsqlDataSource db, BenchOptions options, string run, double opsPerSecond, BusCounters jobBus)
    {
        var floor = new JsonObject();
        try
        {
            var pg = await PostgresFloor.MeasureAsync(db, options.Devices, run);
            Console.Error.WriteLine($"PostgreSQL floor: {pg.Rows} ledger-shaped rows inserted in {pg.InsertSeconds} s, updated in {pg.UpdateSeconds} s");
            floor["pgRows"] = pg.Rows;
            floor["pgInsertSeconds"] = pg.InsertSeconds;
            floor["pgUpdateSeconds"] = pg.UpdateSeconds;
            floor["pgRowsPerSecond"] = pg.RowsPerSecond;
            floor["jobShareOfPgFloor"] = Math.Round(opsPerSecond / pg.RowsPerSecond, 3);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            Console.Error.WriteLine($"the PostgreSQL floor failed: {e.Message}");
        }
        if (options.RabbitMq is { } broker)
        {
            try
            {
                var bus = await BusFloor.MeasureAsync(broker, BusMessages, run);
                Console.Error.WriteLine($"bus floor: {bus.Messages} messages published and consumed in {bus.Seconds} s");
                floor["busMessages"] = bus.Messages;
                floor["busSeconds"] = bus.Seconds;
                floor["busMessagesPerSecond"] = bus.MessagesPerSecond;
                floor["jobShareOfBusFloor"] = Math.Round(opsPerSecond / bus.MessagesPerSecond, 3);
                if (jobBus.ServicesAnswering > 0)
                    floor["busFloorUsedByJob"] = Math.Round(jobBus.Sent / Math.Max(options.Devices / opsPerSecond, 0.001) / bus.MessagesPerSecond, 3);
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"the bus floor failed: {e.Message}");
            }
        }
        return floor.Count > 0 ? floor : null;
    }
}
