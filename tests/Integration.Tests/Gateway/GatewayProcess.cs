using Integration.Tests.Infrastructure;

namespace Integration.Tests.Gateway;

/// <summary>
/// A second gateway process with settings of its own (e.g. a small rate limit) and its own certificate folder, in
/// front of the fixture's jobs-api with the fixture's policies. Specs that need unusual gateway settings use one,
/// so the fixture's gateway — and every other spec — keeps the defaults.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly ServiceProcess _process;
    private readonly SystemUnderTest _system;

    private GatewayProcess(SystemUnderTest system, ServiceProcess process, int port, string certificateDirectory)
    {
        _system = system;
        _process = process;
        Port = port;
        CertificateDirectory = certificateDirectory;
    }

    public int Port { get; }
    public string CertificateDirectory { get; }
    public ServiceProcess Process => _process;

    /// <summary>Starts the gateway without waiting; <paramref name="settings"/> are environment variables (e.g. <c>Gateway__RateLimits__PermitsPerSecond</c>).</summary>
    public static GatewayProcess Start(SystemUnderTest system, string name, params (string Key, string Value)[] settings)
    {
        var port = SystemUnderTest.FreePort();
        var certificates = Path.Combine(system.RunDirectory, name, "certs");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"https://127.0.0.1:{port}",
            ["OTEL_SERVICE_NAME"] = name,
            ["Logging__LogLevel__Default"] = "Information",
            ["IotHub__HostName"] = "localhost",
            ["IotHub__PoliciesFile"] = Path.Combine(system.RunDirectory, "policies.json"),
            ["Gateway__CertificateDirectory"] = certificates,
            ["ReverseProxy__Clusters__jobs-api__Destinations__primary__Address"] = new Uri(system.ServiceUrl("jobs-api"), "/").ToString(),
        };
        foreach (var (key, value) in settings) environment[key] = value;
        var process = new ServiceProcess(name, SystemUnderTest.BuildOutput("gateway/Gateway.dll"), environment, Path.Combine(system.RunDirectory, $"{name}.log"));
        process.Start();
        return new GatewayProcess(system, process, port, certificates);
    }

    public static async Task<GatewayProcess> StartReadyAsync(SystemUnderTest system, string name, params (string Key, string Value)[] settings)
    {
        var gateway = Start(system, name, settings);
        try
        {
            await gateway._process.WaitUntilReadyAsync(new Uri($"https://127.0.0.1:{gateway.Port}/health/ready"));
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of this gateway signing with one of the fixture's policies.</summary>
    public HubClient Client(string policy = "iothubowner") =>
        new(new Uri($"https://localhost:{Port}"), Path.Combine(CertificateDirectory, "ca.pem"), "localhost", policy, _system.PolicyKeys[policy]);

    /// <summary>
    /// Waits for the process to end by itself (a refused configuration) and for <paramref name="expected"/> to reach
    /// its log — the output is copied asynchronously and may land just after the exit — then returns the log.
    /// </summary>
    public async Task<string> WaitForExitAsync(string expected, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (_process.IsRunning && DateTime.UtcNow < deadline) await Task.Delay(100);
        if (_process.IsRunning) throw new TimeoutException($"{_process.Name} still runs");
        while (!_process.ReadLog().Contains(expected, StringComparison.Ordinal) && DateTime.UtcNow < deadline) await Task.Delay(100);
        return _process.ReadLog();
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
