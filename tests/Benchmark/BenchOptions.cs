namespace Benchmark;

/// <summary>
/// Fleet mode's arguments (bench.sh passes them). InstanceDirectory is the hub's state folder (IOTHUB_LOCAL_DIR):
/// its pid files say which processes are the instance's. LoadAtStart is /proc/loadavg as bench.sh read it when it
/// started; Side and Commit label a run of ./bench.sh --compare ("ref" or "tree", and the commit measured).
/// </summary>
public sealed record BenchOptions(string HubEnvPath, string Postgres, int Devices, string Job, int Executors,
    string InstanceDirectory, double[]? LoadAtStart, string? Side, string? Commit)
{
    public string PidDirectory => Path.Combine(InstanceDirectory, "pids");

    public static BenchOptions Parse(string[] args)
    {
        string? Optional(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        string Value(string name) => Optional(name) ?? throw new ArgumentException($"{name} is required");
        var job = Value("--job");
        if (job is not ("method" or "twin")) throw new ArgumentException("--job must be method or twin");
        return new BenchOptions(Value("--hub-env"), Value("--postgres"), int.Parse(Value("--devices")), job,
            int.Parse(Value("--executors")), Value("--instance"),
            Optional("--load-at-start") is { } load ? LoadAverage.Parse(load) : null, Optional("--side"), Optional("--commit"));
    }
}
