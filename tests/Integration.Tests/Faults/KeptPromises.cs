using System.Diagnostics;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Faults;

/// <summary>What a job must show after any fault: it finished, its statistics match its device jobs exactly, and no device ran the method twice.</summary>
public static class KeptPromises
{
    /// <summary>The error codes a fault may leave on a device job; anything else means a fault was misreported.</summary>
    public static readonly string[] FaultErrorCodes = ["DeviceNotOnline", "GatewayTimeout", "DeviceOperationOutcomeUnknown"];

    /// <summary>Waits for the job to finish, reports how long it took since <paramref name="since"/> started and its device outcomes, and asserts the promises.</summary>
    public static async Task<IReadOnlyDictionary<string, Ledger.Row>> WhenFinishedAsync(SystemUnderTest system, string jobId, int deviceCount,
        RecoveryReport report, Stopwatch since, string measure = "job completed")
    {
        var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
        report.Record(measure, since.Elapsed);
        var rows = await AssertAsync(system, jobId, job, deviceCount);
        report.RecordOutcomes(rows, $"device jobs ({measure})");
        return rows;
    }

    public static async Task<IReadOnlyDictionary<string, Ledger.Row>> AssertAsync(SystemUnderTest system, string jobId, JsonNode job, int deviceCount)
    {
        Assert.Equal("completed", (string?)job["status"]);
        var stats = job["deviceJobStatistics"]!;
        var rows = await Ledger.RowsAsync(system, jobId);
        var executions = await Ledger.ExecutionsAsync(system, jobId);

        // deviceCount is fixed when the fan-out ends; the counts come from the device jobs: a lost or doubled row shows.
        Assert.Equal(deviceCount, rows.Count);
        Assert.Equal(deviceCount, (int)stats["deviceCount"]!);
        Assert.Equal(deviceCount, (int)stats["succeededCount"]! + (int)stats["failedCount"]! + (int)stats["runningCount"]! + (int)stats["pendingCount"]!);
        Assert.Equal(0, (int)stats["pendingCount"]! + (int)stats["runningCount"]!);
        Assert.Equal(rows.Values.Count(r => r.Status == "completed"), (int)stats["succeededCount"]!);
        Assert.Equal(rows.Values.Count(r => r.Status == "failed"), (int)stats["failedCount"]!);
        Assert.All(executions, i => Assert.True(i.Value == 1, $"{i.Key} ran the method {i.Value} times"));
        Assert.All(rows.Values, r =>
        {
            if (r.Status == "completed") Assert.True(executions.GetValueOrDefault(r.DeviceId) == 1, $"{r.DeviceId} completed without running the method once");
            else Assert.Contains(r.ErrorCode, FaultErrorCodes);
            // "Not online" is a promise that the call never reached the device.
            if (r.ErrorCode == "DeviceNotOnline") Assert.False(executions.ContainsKey(r.DeviceId), $"{r.DeviceId} is reported DeviceNotOnline but ran the method");
        });
        return rows;
    }
}
