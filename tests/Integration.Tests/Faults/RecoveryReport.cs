using Integration.Tests.Jobs;
using Xunit.Abstractions;

namespace Integration.Tests.Faults;

/// <summary>
/// Measured recovery times of the fault specs, for docs/reliability.md: printed to the test output, and appended to
/// the file named by IOTHUB_RECOVERY_REPORT (./test.sh sets it and prints the table at the end). Figures, not assertions.
/// </summary>
public sealed class RecoveryReport(ITestOutputHelper output, string fault)
{
    private static readonly Lock FileLock = new();

    public void Record(string measure, TimeSpan took) => Write($"{measure}\t{took.TotalSeconds:F1} s");

    /// <summary>What the user sees of the fault in the device jobs: how many completed, and how many failed with which error.</summary>
    public void RecordOutcomes(IReadOnlyDictionary<string, Ledger.Row> rows, string of = "device jobs") =>
        Write(of + "\t" + string.Join(", ", rows.Values.GroupBy(r => r.ErrorCode ?? r.Status).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}")));

    private void Write(string measurement)
    {
        var line = $"{fault}\t{measurement}";
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("IOTHUB_RECOVERY_REPORT") is not { Length: > 0 } path) return;
        lock (FileLock) File.AppendAllText(path, line + Environment.NewLine);
    }
}
