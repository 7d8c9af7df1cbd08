using System.Text;
using Npgsql;

namespace IotHubJobs.Dispatch;

/// <summary>
/// The lowest and the highest of a batch's device ids in the ledger's order (its key is <c>collate "C"</c>: UTF-8 bytes).
/// Every statement on a batch of one job's device jobs also bounds the device id by them. Without the bounds, PostgreSQL
/// scanned the whole job's rows for each batch whenever it took the job for a small one, as it does before the ledger's
/// statistics know the job (docs/benchmarks.md, "A batch read the whole job"). With them, any plan reads one range of
/// the primary key. A fan-out chunk, and so its claim and most of its results, is a contiguous range of device ids.
/// </summary>
public readonly record struct DeviceIdRange(string Lowest, string Highest)
{
    /// <summary>The range of these device ids; an empty batch gets an empty range that no device id is in.</summary>
    public static DeviceIdRange Of(IEnumerable<string> deviceIds)
    {
        string? lowest = null, highest = null;
        byte[] lowestBytes = [], highestBytes = [];
        foreach (var deviceId in deviceIds)
        {
            var bytes = Encoding.UTF8.GetBytes(deviceId);
            if (lowest is null || bytes.AsSpan().SequenceCompareTo(lowestBytes) < 0) (lowest, lowestBytes) = (deviceId, bytes);
            if (highest is null || bytes.AsSpan().SequenceCompareTo(highestBytes) > 0) (highest, highestBytes) = (deviceId, bytes);
        }
        return lowest is null ? new DeviceIdRange("\u0001", "") : new DeviceIdRange(lowest, highest!);
    }

    /// <summary>The two bounds, lowest first, as a statement's next two parameters.</summary>
    public object[] Values => [Lowest, Highest];

    /// <summary>Adds the two bounds, lowest first, as the command's next two parameters.</summary>
    public void AddTo(NpgsqlCommand cmd)
    {
        cmd.Parameters.AddWithValue(Lowest);
        cmd.Parameters.AddWithValue(Highest);
    }
}
