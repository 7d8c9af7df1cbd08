using System.Diagnostics;
namespace Integration.Tests.Infrastructure;

/// <summary>Runs a bash command line in the repository root and returns its exit code and everything it printed.</summary>
public static class Bash
{
    public static Task<(int ExitCode, string Output)> RunAsync(string commandLine, params (string Key, string Value)[] environment) =>
        RunAsync(commandLine, TimeSpan.FromMinutes(3), environment);

    /// <param name="timeout">How long it may take at most (e.g. a whole ./run.sh start on a loaded machine needs more than the default).</param>
    public static async Task<(int ExitCode, string Output)> RunAsync(string commandLine, TimeSpan timeout, params (string Key, string Value)[] environment)
    {
        var info = new ProcessStartInfo("bash", ["-c", commandLine])
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>e.g. "700", as <c>stat -c %a</c> prints it.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static string Octal(string path) => Convert.ToString((int)File.GetUnixFileMode(path), 8);
}
