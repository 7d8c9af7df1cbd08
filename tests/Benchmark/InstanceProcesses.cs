namespace Benchmark;

/// <summary>
/// The processes of one hub instance, found only through the files its ./run.sh wrote into the instance's state
/// folder (scripts/infra.sh, scripts/services.sh): pids/&lt;service&gt;.pid for each .NET service, PostgreSQL's
/// pg/data/postmaster.pid and RabbitMQ's rabbitmq/rabbitmq.pid. Other hubs and test runs on the same machine run the
/// same programs, so finding processes by program name would count their work as ours.
/// </summary>
public static class InstanceProcesses
{
    /// <summary>Part name → pid of the process at the root of that part (a service, the postmaster, the Erlang VM).</summary>
    public static Dictionary<string, int> Roots(string instanceDirectory)
    {
        var roots = new Dictionary<string, int>();
        var pidDirectory = Path.Combine(instanceDirectory, "pids");
        if (Directory.Exists(pidDirectory))
        {
            foreach (var pidFile in Directory.GetFiles(pidDirectory, "*.pid"))
                if (FirstNumberIn(pidFile) is { } pid) roots[Path.GetFileNameWithoutExtension(pidFile)] = pid;
        }
        if (FirstNumberIn(Path.Combine(instanceDirectory, "pg", "data", "postmaster.pid")) is { } postmaster) roots["postgresql"] = postmaster;
        if (FirstNumberIn(Path.Combine(instanceDirectory, "rabbitmq", "rabbitmq.pid")) is { } erlangVm) roots["rabbitmq"] = erlangVm;
        return roots;
    }

    /// <summary>The pid at the start of a pid file ("&lt;pid&gt; &lt;dll&gt;", postmaster.pid's first line, or a bare pid).</summary>
    private static int? FirstNumberIn(string pidFile)
    {
        try
        {
            var text = File.ReadAllText(pidFile);
            var first = text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return int.TryParse(first, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
