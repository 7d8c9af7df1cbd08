using System.Globalization;
using System.Text.RegularExpressions;

namespace Benchmark;

/// <summary>
/// Messages the hub's services sent (published or sent) and received, summed over their MassTransit counters on
/// each service's /metrics (libs/ServiceDefaults/Telemetry.cs exports the "MassTransit" meter; every benchmarked
/// build does). A service's port is found from outside, like its CPU: the TCP ports its process listens on
/// (/proc/PID/fd sockets matched in /proc/net/tcp), each asked for /metrics over plain HTTP; a port that is not HTTP
/// (TLS, MQTT) just does not answer.
/// </summary>
public sealed partial record BusCounters(double Sent, double Received, int ServicesAnswering)
{
    public static async Task<BusCounters> ReadAsync(string instanceDirectory)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        double sent = 0, received = 0;
        var answering = 0;
        foreach (var (part, pid) in InstanceProcesses.Roots(instanceDirectory))
        {
            if (part is "postgresql" or "rabbitmq") continue;
            foreach (var port in ListeningPorts(pid))
            {
                string text;
                try { text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics"); }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { continue; }
                answering++;
                var (serviceSent, serviceReceived) = Sum(text);
                sent += serviceSent;
                received += serviceReceived;
                break;
            }
        }
        return new BusCounters(sent, received, answering);
    }

    /// <summary>The messages sent and received in one service's /metrics text (Prometheus format), every series summed.</summary>
    public static (double Sent, double Received) Sum(string metrics)
    {
        double sent = 0, received = 0;
        foreach (Match m in Counter().Matches(metrics))
        {
            var value = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            if (m.Groups["what"].Value == "send") sent += value; else received += value;
        }
        return (sent, received);
    }

    public BusCounters Since(BusCounters before) => new(Sent - before.Sent, Received - before.Received, ServicesAnswering);

    // e.g. messaging_masstransit_send_ea_total{otel_scope_name="MassTransit",...} 12 (the unit "ea", each, in the name)
    [GeneratedRegex(@"^messaging_masstransit_(?<what>send|receive)(_ea|_messages)?_total(\{[^}]*\})? (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex Counter();

    /// <summary>The TCP ports a process listens on: its socket inodes, looked up among the listening sockets.</summary>
    private static IEnumerable<int> ListeningPorts(int pid)
    {
        var inodes = new HashSet<string>();
        try
        {
            foreach (var fd in Directory.GetFiles($"/proc/{pid}/fd"))
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:["))
                    inodes.Add(target["socket:[".Length..^1]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { yield break; }
        var ports = new SortedSet<int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != "0A" || !inodes.Contains(fields[9])) continue;
                ports.Add(int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber));
            }
        }
        foreach (var port in ports) yield return port;
    }
}
