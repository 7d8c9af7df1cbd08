namespace Benchmark;

/// <summary>
/// CPU seconds of the whole machine from /proc/stat's first line, summed over all cores: busy (user, nice, system,
/// irq, softirq) and steal (time the hypervisor gave to other machines). Next to the instance's own CPU seconds it
/// shows how much of the machine other work took during a run — the noise that a single absolute rate hides.
/// </summary>
public sealed record MachineCpu(double BusySeconds, double StealSeconds)
{
    private const double TicksPerSecond = 100.0; // USER_HZ on Linux

    public static MachineCpu Read()
    {
        // cpu  user nice system idle iowait irq softirq steal guest guest_nice
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Field(int i) => fields.Length > i ? long.Parse(fields[i]) : 0;
        var busy = Field(1) + Field(2) + Field(3) + Field(6) + Field(7);
        return new MachineCpu(busy / TicksPerSecond, Field(8) / TicksPerSecond);
    }

    public MachineCpu Since(MachineCpu before) =>
        new(Math.Round(BusySeconds - before.BusySeconds, 1), Math.Round(StealSeconds - before.StealSeconds, 1));
}
