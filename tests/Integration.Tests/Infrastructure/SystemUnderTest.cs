using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Npgsql;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// The whole system as real processes (gateway, jobs-api, scheduler, two executors, device-sim, device-gateway) on real PostgreSQL
/// and RabbitMQ, started once per test run against a fresh database. Tests talk to it only through the gateway,
/// and look into the database only to prove what the API cannot show (e.g. how often a device ran a method).
/// </summary>
public class SystemUnderTest : IAsyncLifetime
{
    private readonly ITestServers _infra;
    private readonly Dictionary<string, ServiceProcess> _services = new();

    private readonly Replicas _replicas;

    /// <summary>On the servers shared by the whole test run.</summary>
    public SystemUnderTest() : this(_ => new Infra()) { }

    protected SystemUnderTest(Func<string, ITestServers> servers, Replicas? replicas = null) =>
        (_infra, _replicas) = (servers(RunDirectory), replicas ?? new Replicas());

    /// <summary>
    /// How many processes of each service run. The first ones have the usual names (<c>gateway</c>, <c>jobs-api</c>,
    /// <c>scheduler-1</c>, <c>executor-1</c>, <c>device-gateway</c>); more are <c>gateway-2</c>, <c>jobs-api-2</c>,
    /// <c>scheduler-3</c>, <c>executor-3</c>, <c>device-gateway-2</c> and so on.
    /// </summary>
    public sealed record Replicas(int Gateways = 1, int JobsApis = 1, int Schedulers = 2, int Executors = 2, int DeviceGateways = 1);

    protected ITestServers ServersInUse => _infra;

    public string RunDirectory { get; } = Path.Combine(Path.GetTempPath(), "iothub-jobs-tests", Guid.NewGuid().ToString("N")[..12]);
    public string DatabaseConnectionString { get; private set; } = "";
    public string RabbitMqUri { get; private set; } = "";
    public NpgsqlDataSource Database { get; private set; } = null!;
    public HubClient Hub { get; private set; } = null!;
    public IReadOnlyDictionary<string, ServiceProcess> Services => _services;
    public IReadOnlyDictionary<string, string> PolicyKeys { get; private set; } = new Dictionary<string, string>();
    /// <summary>Every span every service exported during the run.</summary>
    public OtlpReceiver Traces { get; } = new();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(RunDirectory);
        await _infra.StartAsync();
        DatabaseConnectionString = await CreateDatabaseAsync(_infra.Postgres, "iothub_test_");
        RabbitMqUri = await RabbitMqVirtualHost.CreateAsync(_infra.RabbitMq, _infra.RabbitMqManagement, "test-" + Path.GetFileName(RunDirectory));
        Database = NpgsqlDataSource.Create(DatabaseConnectionString);
        PolicyKeys = WritePolicies(Path.Combine(RunDirectory, "policies.json"));

        var ports = Enumerable.Range(0, 10).Select(_ => FreePort()).ToArray();
        Traces.Start(ports[7]);
        var jobsApiUrl = $"http://127.0.0.1:{ports[0]}";
        var common = new Dictionary<string, string>
        {
            ["ConnectionStrings__postgres"] = DatabaseConnectionString,
            ["ConnectionStrings__rabbitmq"] = RabbitMqUri,
            ["Logging__LogLevel__Default"] = "Information",
            // Short enough that a test killing an executor sees its unreported devices fail within seconds.
            ["Dispatch__ClaimGraceSeconds"] = "5",
            // Small commands, so a few thousand slow devices are more than both executors take at once (CancelSpecs).
            ["Scheduler__DevicesPerCommand"] = "100",
            // A small cap, so the queueing of jobs beyond it can be observed (LimitSpecs).
            ["Scheduler__MaxRunningJobs"] = "4",
            // A window small enough that a spec fills it (FlowControlSpecs), and the 20,000-device fault spec runs through it.
            ["Scheduler__UnfinishedDeviceJobsPerJob"] = "3000",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Traces.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "60000",
            // Quick enough that a spec sees a killed device gateway's devices cleared within seconds.
            ["Presence__HeartbeatSeconds"] = "1",
            ["Presence__StaleAfterSeconds"] = "4",
            // Quick enough that a spec sees an idle event stream's heartbeat within seconds.
            ["Events__HeartbeatSeconds"] = "2",
            // The specs' webhook receivers listen on 127.0.0.1 in the test process (Events/WebhookReceiver.cs).
            ["Webhooks__AllowedHosts"] = "127.0.0.1",
            // Retries come quickly, so a spec sees a failing receiver retried within seconds (the shape of the backoff
            // is proved with a moved clock: WebhookRetrySpecs).
            ["Webhooks__FirstBackoffSeconds"] = "0.5",
        };
        if (_infra.RabbitMqClusterNodes is { } nodes) common["RabbitMq__ClusterNodes"] = nodes;
        _common = common;
        Add("jobs-api", "services/jobs-api/JobsApi.dll", common, jobsApiUrl);
        Add("scheduler-1", "services/scheduler/Scheduler.dll", common, $"http://127.0.0.1:{ports[1]}");
        Add("scheduler-2", "services/scheduler/Scheduler.dll", common, $"http://127.0.0.1:{ports[6]}");
        for (var i = 3; i <= _replicas.Schedulers; i++) Add($"scheduler-{i}", "services/scheduler/Scheduler.dll", common, $"http://127.0.0.1:{FreePort()}");
        Add("executor-1", "services/executor/Executor.dll", common, $"http://127.0.0.1:{ports[2]}", ("Executor__InstanceId", "executor-1"));
        Add("executor-2", "services/executor/Executor.dll", common, $"http://127.0.0.1:{ports[3]}", ("Executor__InstanceId", "executor-2"));
        for (var i = 3; i <= _replicas.Executors; i++)
            Add($"executor-{i}", "services/executor/Executor.dll", common, $"http://127.0.0.1:{FreePort()}", ("Executor__InstanceId", $"executor-{i}"));
        Add("device-sim", "services/device-sim/DeviceSim.dll", common, $"http://127.0.0.1:{ports[4]}");
        var certs = Path.Combine(RunDirectory, "certs");
        CertificateDirectory = certs;
        DeviceGatewayUrl = $"http://127.0.0.1:{ports[8]}";
        MqttPort = ports[9];
        AddDeviceGateway("device-gateway", ports[8], ports[9]);
        for (var i = 2; i <= _replicas.DeviceGateways; i++) AddDeviceGateway($"device-gateway-{i}", FreePort(), FreePort());
        // Every gateway proxies to every jobs-api (its health checks take a dead one out of the rotation).
        var jobsApis = Enumerable.Range(2, Math.Max(0, _replicas.JobsApis - 1)).ToDictionary(i => $"jobs-api-{i}", _ => $"http://127.0.0.1:{FreePort()}");
        var destinations = jobsApis.Select(j => ($"ReverseProxy__Clusters__jobs-api__Destinations__{j.Key}__Address", j.Value + "/"));
        for (var i = 1; i <= _replicas.Gateways; i++)
            Add(i == 1 ? "gateway" : $"gateway-{i}", "gateway/Gateway.dll", common, $"https://127.0.0.1:{(i == 1 ? ports[5] : FreePort())}",
            [
                ("IotHub__HostName", "localhost"),
                ("IotHub__PoliciesFile", Path.Combine(RunDirectory, "policies.json")),
                ("Gateway__CertificateDirectory", certs),
                ("ReverseProxy__Clusters__jobs-api__Destinations__primary__Address", jobsApiUrl + "/"),
                ("ReverseProxy__Clusters__device-gateway__Destinations__primary__Address", DeviceGatewayUrl + "/"),
                ..destinations,
            ]);

        foreach (var service in _services.Values) service.Start();
        await Task.WhenAll(_services.Keys.Select(WaitUntilReadyAsync));
        // Once the first jobs-api made the document store's schema: replicas then find it made (./run.sh orders them so too).
        foreach (var (name, url) in jobsApis)
        {
            Add(name, "services/jobs-api/JobsApi.dll", common, url);
            _services[name].Start();
            await WaitUntilReadyAsync(name);
        }
        Hub = HubThrough("gateway");
    }

    /// <summary>A client of the hub through the gateway process <paramref name="gateway"/> (<c>gateway</c>, <c>gateway-2</c>, …).</summary>
    public HubClient HubThrough(string gateway) =>
        new(new Uri($"https://localhost:{new Uri(_urls[gateway]).Port}"), Path.Combine(CertificateDirectory, "ca.pem"), "localhost", "iothubowner", PolicyKeys["iothubowner"]);

    /// <summary>Where the gateway and the device gateway keep the development CA (<c>ca.pem</c>) devices trust.</summary>
    public string CertificateDirectory { get; private set; } = "";
    /// <summary>The device gateway's MQTT-over-TLS port (the instance named <c>device-gateway</c>).</summary>
    public int MqttPort { get; private set; }
    public string DeviceGatewayUrl { get; private set; } = "";
    public int GatewayPort => new Uri(_urls["gateway"]).Port;
    private Dictionary<string, string> _common = new();

    /// <summary>
    /// Another device-gateway instance (instance id = <paramref name="name"/>) on ports of its own, started and ready;
    /// its MQTT port is returned. Stopped with the system, or earlier by the spec (kill -9 through <see cref="Services"/>).
    /// </summary>
    /// <summary>Kills a service a spec added for itself and forgets it, so later specs see only the system's own services.</summary>
    public async Task DiscardAsync(string service)
    {
        await _services[service].DisposeAsync();
        _services.Remove(service);
        _urls.Remove(service);
    }

    public async Task<int> StartDeviceGatewayAsync(string name)
    {
        var (http, mqtt) = (FreePort(), FreePort());
        AddDeviceGateway(name, http, mqtt);
        _services[name].Start();
        await WaitUntilReadyAsync(name);
        return mqtt;
    }

    private void AddDeviceGateway(string name, int httpPort, int mqttPort) =>
        Add(name, "services/device-gateway/DeviceGateway.dll", _common, $"http://127.0.0.1:{httpPort}",
            ("DeviceGateway__InstanceId", name),
            ("DeviceGateway__MqttPort", mqttPort.ToString()),
            ("DeviceGateway__CertificateDirectory", Path.Combine(RunDirectory, "certs")),
            ("DeviceGateway__ActivityFlushSeconds", "1"),
            // No clock skew, so a spec can let a device token expire within seconds instead of five minutes.
            ("DeviceGateway__TokenClockSkewSeconds", "0"),
            // The connect-flood spec floods from 127.0.0.1, like every other spec's device: a limit it reaches quickly.
            ("DeviceGateway__Limits__ConnectsPerSecondPerAddress", "40"),
            ("DeviceGateway__Limits__PublishesPerSecond", "50"),
            ("IotHub__HostName", "localhost"),
            ("IotHub__PoliciesFile", Path.Combine(RunDirectory, "policies.json")));

    public async Task DisposeAsync()
    {
        foreach (var service in _services.Values) await service.DisposeAsync();
        Hub?.Dispose();
        if (Database is not null) await Database.DisposeAsync();
        await Traces.DisposeAsync();
        await _infra.DisposeAsync();
    }

    public async Task RestartAsync(string service)
    {
        await _services[service].KillAsync();
        _services[service].Start();
        await WaitUntilReadyAsync(service);
    }

    public Task WaitUntilReadyAsync(string service) => _services[service].WaitUntilReadyAsync(new Uri(new Uri(_urls[service]), "/health/ready"));

    private readonly Dictionary<string, string> _urls = new();

    /// <summary>The base URL a service listens on (only the gateway's faces clients; the others are for health and metrics).</summary>
    public Uri ServiceUrl(string service) => new(_urls[service]);

    private void Add(string name, string relativeDll, Dictionary<string, string> common, string url, params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string>(common)
        {
            ["ASPNETCORE_URLS"] = url,
            ["OTEL_SERVICE_NAME"] = name,
        };
        foreach (var (key, value) in extra) env[key] = value;
        _urls[name] = url;
        _services[name] = new ServiceProcess(name, BuildOutput(relativeDll), env, Path.Combine(RunDirectory, $"{name}.log"));
    }

    /// <summary>The service dll built with the same configuration as this test assembly.</summary>
    internal static string BuildOutput(string relativeDll)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var folder = Path.GetDirectoryName(relativeDll)!;
        var path = Path.Combine(RepositoryRoot.Path, folder, "bin", configuration, "net10.0", Path.GetFileName(relativeDll));
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first (dotnet build -c {configuration}): {path} is missing");
    }

    /// <summary>A new, empty database on the server of <paramref name="serverConnectionString"/>; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string serverConnectionString, string namePrefix)
    {
        var name = namePrefix + Guid.NewGuid().ToString("N")[..10];
        await using (var admin = new NpgsqlConnection(serverConnectionString))
        {
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create database {name}", admin); // generated identifier, no input
            await cmd.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    private static Dictionary<string, string> WritePolicies(string path)
    {
        string Key() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var policies = new (string Name, string[] Rights)[]
        {
            ("iothubowner", ["RegistryRead", "RegistryWrite", "ServiceConnect", "DeviceConnect"]),
            ("service", ["ServiceConnect"]),
            ("device", ["DeviceConnect"]),
            ("registryRead", ["RegistryRead"]),
            ("registryReadWrite", ["RegistryRead", "RegistryWrite"]),
        };
        var keys = policies.ToDictionary(p => p.Name, _ => Key());
        var json = new JsonObject
        {
            ["policies"] = new JsonArray(policies.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p.Name, ["primaryKey"] = keys[p.Name], ["secondaryKey"] = Key(),
                ["rights"] = new JsonArray(p.Rights.Select(r => (JsonNode)JsonValue.Create(r)!).ToArray()),
            }).ToArray()),
        };
        // Keys at rest are for the owner only, here as in run.sh.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(path, options))
        using (var writer = new StreamWriter(file))
            writer.Write(json.ToJsonString());
        return keys;
    }

    /// <summary>
    /// A port free on every address now, below the kernel's ephemeral range (ip_local_port_range). A port from that range,
    /// which is what port 0 gives, may become the local port of any outgoing connection between this check and the
    /// service's bind: once the device gateway's MQTT listener failed with "address already in use" so.
    /// </summary>
    internal static int FreePort()
    {
        var below = EphemeralRangeStart();
        for (var attempt = 0; attempt < 1000 && below > LowestPort + 1000; attempt++)
        {
            var port = Random.Shared.Next(LowestPort, below);
            lock (GivenPorts)
                if (!GivenPorts.Contains(port) && IsFree(port)) { GivenPorts.Add(port); return port; }
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private const int LowestPort = 10000;
    private static readonly HashSet<int> GivenPorts = [];

    private static int EphemeralRangeStart()
    {
        try { return int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0]); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return 32768; }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var any = Socket.OSSupportsIPv6 ? new TcpListener(IPAddress.IPv6Any, port) : new TcpListener(IPAddress.Any, port);
            if (Socket.OSSupportsIPv6) any.Server.DualMode = true;
            any.Start();
            return true;
        }
        catch (SocketException) { return false; }
    }

}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemUnderTest>
{
    public const string Name = "system";
}
