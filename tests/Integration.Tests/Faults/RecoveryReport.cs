using Xunit.Abstractions;

namespace Integration.Tests.Faults;

/// <summary>
/// Measured recovery times of the fault specs, for docs/reliability.md: printed to the test output, and appended to
/// the file named by IOTHUB_RECOVERY_REPORT (./test.sh sets it and prints the table at the end). Figures, not assertions.
/// </summary>
public sealed class RecoveryReport(ITestOutputHelper output, string fault)
{
    private static readonly Lock FileLock = new();

    public void Record(string measure, TimeSpan took)
    {
        var line = $"{fault}\t{measure}\t{took.TotalSeconds:F1} s";
        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("IOTHUB_RECOVERY_REPORT") is not { Length: > 0 } path) return;
        lock (FileLock) File.AppendAllText(path, line + Environment.NewLine);
    }
}
