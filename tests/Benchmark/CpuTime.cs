namespace Benchmark;

/// <summary>
/// CPU seconds (user + system) of each part of one hub instance — every .NET service, PostgreSQL with all its
/// backends, RabbitMQ — so a run can say where the time went. Only the instance's own processes count
/// (InstanceProcesses): other test runs on the machine run the same programs. Sampled at the job's start and end;
/// the difference is the job's share.
/// </summary>
public static class CpuTime
{
    public static Dictionary<string, double> Sample(string instanceDirectory)
    {
        var table = ProcessTable.Read();
        var seconds = new Dictionary<string, double>();
        foreach (var (part, root) in InstanceProcesses.Roots(instanceDirectory))
            if (table.TreeSeconds(root) is { } cpu) seconds[part] = cpu;
        return seconds;
    }

    public static Dictionary<string, double> Between(Dictionary<string, double> before, Dictionary<string, double> after) =>
        after.ToDictionary(a => a.Key, a => Math.Round(a.Value - before.GetValueOrDefault(a.Key), 1));
}
