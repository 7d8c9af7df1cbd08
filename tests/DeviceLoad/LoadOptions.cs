namespace DeviceLoad;

/// <summary>
/// What the load generator connects to and how (tests/Benchmark starts it; docs/benchmarks.md, "Real devices").
/// <c>Host</c> is the hub's host name as devices write it (user name, token, TLS name); <c>Port</c> the device gateway's
/// MQTT port on the loopback address. <c>Profile</c> is what each device does once connected: <c>method</c> subscribes to
/// method requests, <c>twin</c> subscribes to twin responses, reads its twin and subscribes to desired changes (the order
/// of the Node SDK). <c>DevicesPerSourceAddress</c> spreads the devices over loopback source addresses (127.0.1.1, …) as
/// a real fleet comes from many addresses; <c>KeepAliveSeconds</c> 0 means the devices' own ping loop (see
/// <see cref="PingLoop"/>) instead of MQTTnet's keep-alive.
/// </summary>
public sealed record LoadOptions(string Host, int Port, string CaPath, string Profile, int ConnectConcurrency, int DevicesPerSourceAddress,
    int KeepAliveSeconds, int PingIntervalSeconds)
{
    public static LoadOptions Parse(string[] args)
    {
        string? Optional(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        string Value(string name) => Optional(name) ?? throw new ArgumentException($"{name} is required");
        var profile = Value("--profile");
        if (profile is not ("method" or "twin")) throw new ArgumentException("--profile must be method or twin");
        return new LoadOptions(Optional("--host") ?? "localhost", int.Parse(Value("--port")), Value("--ca"), profile,
            int.Parse(Optional("--connect-concurrency") ?? "100"), int.Parse(Optional("--devices-per-address") ?? "100"),
            int.Parse(Optional("--keep-alive") ?? "0"), int.Parse(Optional("--ping-interval") ?? "180"));
    }
}
