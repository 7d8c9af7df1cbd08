using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>
/// The load generator (tests/DeviceLoad) as a process of its own, so its memory and CPU are measured apart from the
/// hub's: the device credentials go to it over stdin (no key is written to a file), and it answers with JSON lines on
/// stdout. Its diagnostics pass through to this process's stderr.
/// </summary>
public sealed class DeviceLoadProcess : IAsyncDisposable
{
    private readonly Process _process;

    private DeviceLoadProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public static DeviceLoadProcess Start(string dll, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return new DeviceLoadProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {dll}"));
    }

    public async Task SendAsync(string line) => await _process.StandardInput.WriteLineAsync(line);

    public async Task FlushAsync() => await _process.StandardInput.FlushAsync();

    /// <summary>The next JSON line whose "event" is <paramref name="kind"/>; fails when the process ends first.</summary>
    public async Task<JsonObject> NextAsync(string kind, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(cts.Token)
                       ?? throw new InvalidOperationException($"the load generator ended (exit {(_process.HasExited ? _process.ExitCode : -1)}) before '{kind}'");
            if (JsonNode.Parse(line) is JsonObject json && (string?)json["event"] == kind) return json;
        }
    }

    public async Task<JsonObject> ReportAsync()
    {
        await SendAsync("report");
        await FlushAsync();
        return await NextAsync("report", TimeSpan.FromMinutes(1));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await SendAsync("quit");
                await FlushAsync();
                using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                await _process.WaitForExitAsync(cts.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
