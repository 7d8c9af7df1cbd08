using System.Diagnostics;

namespace Integration.Tests.Infrastructure;

/// <summary>One service of the system running as a real process, its output captured to a log file.</summary>
public sealed class ServiceProcess(string name, string dllPath, IReadOnlyDictionary<string, string> environment, string logPath) : IAsyncDisposable
{
    private Process? _process;
    private StreamWriter? _log;

    public string Name => name;
    public string LogPath => logPath;
    public bool IsRunning => _process is { HasExited: false };
    /// <summary>The running process's id, for readings from /proc (e.g. peak memory); null when it is not running.</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    public void Start()
    {
        if (IsRunning) throw new InvalidOperationException($"{name} already runs");
        var info = new ProcessStartInfo("dotnet", [dllPath])
        {
            WorkingDirectory = Path.GetDirectoryName(dllPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        foreach (var (key, value) in environment) info.Environment[key] = value;
        _log ??= new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var log = _log;
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>kill -9: no graceful shutdown, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Polls the health URL until it answers 2xx; fails with the log's tail if the process exits or 90 s pass.</summary>
    public async Task WaitUntilReadyAsync(Uri healthUrl)
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true })
            { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (!IsRunning) throw new InvalidOperationException($"{name} exited during start-up. Log:\n{Tail(ReadLog())}");
            try
            {
                if ((await http.GetAsync(healthUrl)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{name} did not become ready. Log:\n{Tail(ReadLog())}");
    }

    private static string Tail(string log) => log.Length <= 4000 ? log : log[^4000..];

    public string ReadLog()
    {
        using var stream = new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _log?.Dispose();
    }
}
