namespace Benchmark;

/// <summary>The machine's 1, 5 and 15 minute load averages, as /proc/loadavg and `uptime` show them.</summary>
public static class LoadAverage
{
    public static double[] Now() => Parse(File.ReadAllText("/proc/loadavg"));

    /// <summary>The first three numbers of a /proc/loadavg line (bench.sh passes the one it read at its start).</summary>
    public static double[] Parse(string loadavg) =>
        loadavg.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3)
            .Select(n => double.Parse(n, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
