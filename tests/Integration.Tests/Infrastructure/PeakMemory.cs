namespace Integration.Tests.Infrastructure;

/// <summary>Peak resident memory of a process (VmHWM in /proc/&lt;pid&gt;/status), and a way to restart its count.</summary>
public static class PeakMemory
{
    public static long Megabytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }

    /// <summary>
    /// Restarts the peak at the current resident size (writing 5 to clear_refs, Linux ≥ 4.0), so a reading afterwards
    /// covers only what follows. False when the kernel refuses; the later reading is then the lifetime peak — an
    /// upper bound, so a bound that holds for it holds for the measured stretch too.
    /// </summary>
    public static bool TryReset(int processId)
    {
        try
        {
            File.WriteAllText($"/proc/{processId}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
