namespace Benchmark;

/// <summary>Peak resident memory (VmHWM) of each service process, read from /proc by the pid files ./run.sh keeps.</summary>
public static class PeakMemory
{
    private static readonly string[] Services = ["jobs-api", "scheduler", "executor", "device-sim", "device-gateway", "gateway"];

    public static Dictionary<string, long> PerService(string pidDirectory)
    {
        var peaks = new Dictionary<string, long>();
        foreach (var pidFile in Directory.GetFiles(pidDirectory, "*.pid"))
        {
            var name = Path.GetFileNameWithoutExtension(pidFile);
            var service = Services.FirstOrDefault(name.StartsWith);
            if (service is null || !int.TryParse(File.ReadAllText(pidFile).Split(' ')[0].Trim(), out var pid)) continue;
            var status = $"/proc/{pid}/status";
            if (!File.Exists(status)) continue;
            var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:"));
            if (line is null) continue;
            var mb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
            peaks[service] = Math.Max(peaks.GetValueOrDefault(service), mb);
        }
        return peaks;
    }
}
