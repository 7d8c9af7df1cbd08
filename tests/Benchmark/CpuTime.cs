namespace Benchmark;

/// <summary>
/// CPU seconds (user + system, from /proc/&lt;pid&gt;/stat) per service, and for PostgreSQL and RabbitMQ by process
/// name, so a run can say where the time went. Sampled at the job's start and end; the difference is the job's share.
/// </summary>
public static class CpuTime
{
    private const double TicksPerSecond = 100.0; // USER_HZ on Linux

    public static Dictionary<string, double> Sample(string pidDirectory)
    {
        var seconds = new Dictionary<string, double>();
        foreach (var pidFile in Directory.GetFiles(pidDirectory, "*.pid"))
        {
            var service = Path.GetFileNameWithoutExtension(pidFile);
            if (int.TryParse(File.ReadAllText(pidFile).Split(' ')[0].Trim(), out var pid) && Ticks(pid) is { } ticks)
                seconds[service] = ticks / TicksPerSecond;
        }
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            var name = Comm(pid) switch { "postgres" => "postgresql", "beam.smp" => "rabbitmq", _ => null };
            if (name is not null && Ticks(pid) is { } ticks) seconds[name] = seconds.GetValueOrDefault(name) + ticks / TicksPerSecond;
        }
        return seconds;
    }

    public static Dictionary<string, double> Between(Dictionary<string, double> before, Dictionary<string, double> after) =>
        after.ToDictionary(a => a.Key, a => Math.Round(a.Value - before.GetValueOrDefault(a.Key), 1));

    private static string? Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); } catch (IOException) { return null; } catch (UnauthorizedAccessException) { return null; }
    }

    private static long? Ticks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (fields 14 and 15 of stat)
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException) { return null; }
    }
}
