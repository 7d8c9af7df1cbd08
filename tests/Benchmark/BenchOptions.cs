namespace Benchmark;

public sealed record BenchOptions(string HubEnvPath, string Postgres, int Devices, string Job, int Executors, string PidDirectory)
{
    public static BenchOptions Parse(string[] args)
    {
        string Value(string name) =>
            args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? throw new ArgumentException($"{name} is required");
        var job = Value("--job");
        if (job is not ("method" or "twin")) throw new ArgumentException("--job must be method or twin");
        return new BenchOptions(Value("--hub-env"), Value("--postgres"), int.Parse(Value("--devices")), job,
            int.Parse(Value("--executors")), Value("--pids"));
    }
}
