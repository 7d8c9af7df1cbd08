namespace Benchmark;

/// <summary>
/// Fleet mode's arguments (bench.sh passes them). InstanceDirectory is the hub's state folder (IOTHUB_LOCAL_DIR):
/// its pid files say which processes are the instance's. LoadAtStart is /proc/loadavg as bench.sh read it when it
/// started; Side and Commit label a run of ./bench.sh --compare ("ref" or "tree", and the commit measured). Transport
/// says who answers for the devices: "sim" (device-sim) or "mqtt" (real devices of the load generator tests/DeviceLoad,
/// whose dll is DeviceLoadPath, connected to the device gateway). RatePerMinute paces the job as a rollout with that
/// maximumPerMinute (docs/rollouts.md), and the report says which rate it achieved (RolloutRate). Webhook
/// subscribes a receiver in this process to the job's device outcomes before the job starts (WebhookSubscriber).
/// RabbitMq is the hub's broker (amqp://user:password@host:port/vhost), for the bus floor (PhysicalFloor).
/// </summary>
public sealed record BenchOptions(string HubEnvPath, string Postgres, int Devices, string Job, int Executors,
    string InstanceDirectory, double[]? LoadAtStart, string? Side, string? Commit, string Transport, string? DeviceLoadPath,
    int? RatePerMinute = null, bool Webhook = false, Uri? RabbitMq = null)
{
    public string PidDirectory => Path.Combine(InstanceDirectory, "pids");

    public static BenchOptions Parse(string[] args)
    {
        string? Optional(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        string Value(string name) => Optional(name) ?? throw new ArgumentException($"{name} is required");
        var job = Value("--job");
        if (job is not ("method" or "twin")) throw new ArgumentException("--job must be method or twin");
        string Transport(string transport) => transport is "sim" or "mqtt" ? transport : throw new ArgumentException("--transport must be sim or mqtt");
        if (Optional("--transport") == "mqtt" && Optional("--device-load") is null) throw new ArgumentException("--transport mqtt needs --device-load");
        return new BenchOptions(Value("--hub-env"), Value("--postgres"), int.Parse(Value("--devices")), job,
            int.Parse(Value("--executors")), Value("--instance"),
            Optional("--load-at-start") is { } load ? LoadAverage.Parse(load) : null, Optional("--side"), Optional("--commit"),
            Transport(Optional("--transport") ?? "sim"), Optional("--device-load"),
            Optional("--rate") is { } rate ? int.Parse(rate) : null, args.Contains("--webhook"),
            Optional("--rabbitmq") is { } rabbitMq ? new Uri(rabbitMq) : null);
    }
}
