namespace Benchmark;

/// <summary>
/// One reading of /proc: each live process's parent and CPU ticks, so the CPU time of a whole process tree can be
/// summed. A process's ticks are its own user + system time plus that of the children it has already waited for
/// (cutime, cstime): PostgreSQL's postmaster reaps each backend that exits, so a connection closed during the job
/// still counts, and a live child is never counted twice (its time reaches the parent only once it is reaped).
/// </summary>
public sealed class ProcessTable
{
    private const double TicksPerSecond = 100.0; // USER_HZ on Linux

    private readonly Dictionary<int, long> _ticks = new();
    private readonly Dictionary<int, List<int>> _children = new();

    public static ProcessTable Read()
    {
        var table = new ProcessTable();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                // the command name is in parentheses and may hold spaces: the fields after it are space-separated
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1]);                       // ppid, field 4 of stat
                table._ticks[pid] = long.Parse(fields[11]) + long.Parse(fields[12])  // utime, stime (14, 15)
                                    + long.Parse(fields[13]) + long.Parse(fields[14]); // cutime, cstime (16, 17)
                if (!table._children.TryGetValue(parent, out var siblings)) table._children[parent] = siblings = [];
                siblings.Add(pid);
            }
            catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or IndexOutOfRangeException)
            {
                // the process ended while we read /proc
            }
        }
        return table;
    }

    /// <summary>CPU seconds of <paramref name="root"/> and every live descendant; null when the root is gone.</summary>
    public double? TreeSeconds(int root)
    {
        if (!_ticks.ContainsKey(root)) return null;
        long ticks = 0;
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            ticks += _ticks.GetValueOrDefault(pid);
            foreach (var child in _children.GetValueOrDefault(pid) ?? []) pending.Push(child);
        }
        return ticks / TicksPerSecond;
    }
}
