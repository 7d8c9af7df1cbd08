using System.Diagnostics;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Cli;

/// <summary>
/// Runs the built <c>iotjobs</c> (cli/) as a process against the system under test, the way a user runs it: the hub
/// comes from <c>IOTHUB_CONNECTION_STRING</c>, <c>HUB_URL</c> and <c>HUB_CA_CERT</c>, and no hub.env of a developer's
/// checkout can leak in (<c>IOTJOBS_HUB_ENV</c> names a file that does not exist; the working folder is the run's own).
/// </summary>
public sealed class IotJobs(SystemUnderTest system)
{
    /// <summary>A guard against a hung process, not a measure of speed.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    public string ConnectionString(string policy = "iothubowner", string? key = null) =>
        $"HostName=localhost:{system.GatewayPort};SharedAccessKeyName={policy};SharedAccessKey={key ?? system.PolicyKeys[policy]}";

    public Dictionary<string, string?> Environment() => new()
    {
        ["IOTHUB_CONNECTION_STRING"] = ConnectionString(),
        ["HUB_URL"] = $"https://localhost:{system.GatewayPort}",
        ["HUB_CA_CERT"] = Path.Combine(system.CertificateDirectory, "ca.pem"),
        ["IOTJOBS_HUB_ENV"] = Path.Combine(system.RunDirectory, "no-such-hub.env"),
    };

    public Task<Run> RunAsync(params string[] args) => RunAsync(Environment(), args);

    public async Task<Run> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = system.RunDirectory,
        };
        start.ArgumentList.Add(SystemUnderTest.BuildOutput("cli/iotjobs.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in new[] { "IOTHUB_CONNECTION_STRING", "HUB_URL", "HUB_CA_CERT", "IOTJOBS_HUB_ENV" }) start.Environment.Remove(name);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"iotjobs {string.Join(' ', args)} did not end within {Deadline}");
        }
        return new Run(string.Join(' ', args), process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>What one run of the tool printed and exited with.</summary>
public sealed record Run(string Command, int ExitCode, string Stdout, string Stderr)
{
    public JsonNode Json => JsonNode.Parse(Stdout) ?? throw new InvalidOperationException("no JSON on stdout");

    public Run Exits(int expected) => ExitCode == expected
        ? this
        : throw new Xunit.Sdk.XunitException($"iotjobs {Command} exited {ExitCode}, expected {expected}\nstdout:\n{Stdout}\nstderr:\n{Stderr}");

    public override string ToString() => $"iotjobs {Command} → {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
