using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Npgsql;

namespace Benchmark;

/// <summary>
/// The real devices of a <c>--transport mqtt</c> run (docs/benchmarks.md, "Real devices"): N devices registered with keys
/// of this run and no <c>sim</c> tag, so only their own MQTT connections make them online; the load generator connects
/// all of them to the device gateway, each over TLS with its own SAS token; after the job, what the devices themselves
/// saw proves each device executed once (method jobs) or applied and reported the desired change once (twin jobs).
/// </summary>
public sealed class RealFleet(BenchOptions options, HubEnv hub, NpgsqlDataSource db, string run) : IAsyncDisposable
{
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private DeviceLoadProcess? _load;

    public string DevicePrefix => $"bench-{run}-";

    /// <summary>The bulk-create entry of a device: its own key, no <c>sim</c> tag.</summary>
    public JsonObject Entry(string deviceId)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        lock (_keys) _keys[deviceId] = key;
        return new JsonObject
        {
            ["id"] = deviceId, ["importMode"] = "create", ["tags"] = new JsonObject { ["bench"] = run },
            ["authentication"] = new JsonObject { ["symmetricKey"] = new JsonObject { ["primaryKey"] = key, ["secondaryKey"] = key } },
        };
    }

    public sealed record Connecting(double Seconds, int Failed, long Retries, int SourceAddresses, Dictionary<string, double> CpuSeconds,
        JsonArray FirstErrors);

    /// <summary>Starts the load generator, connects every device and waits until presence holds all of them.</summary>
    public async Task<Connecting> ConnectAsync()
    {
        var cpuBefore = CpuTime.Sample(options.InstanceDirectory);
        _load = DeviceLoadProcess.Start(options.DeviceLoadPath!, [
            "--host", hub.Connection.HostName.Split(':')[0], "--port", (hub.MqttPort ?? throw new InvalidOperationException("hub.env names no HUB_MQTT_PORT")).ToString(),
            "--ca", hub.CaCertificatePath, "--profile", options.Job,
        ]);
        foreach (var (id, key) in _keys.OrderBy(k => k.Key, StringComparer.Ordinal)) await _load.SendAsync($"device {id} {key}");
        await _load.SendAsync("connect");
        await _load.FlushAsync();
        var connected = await _load.NextAsync("connected", TimeSpan.FromMinutes(20));
        var presence = await WaitForPresenceAsync();
        var cpu = CpuTime.Between(cpuBefore, CpuTime.Sample(options.InstanceDirectory));
        cpu["device-load"] = (double)connected["cpuSeconds"]!;
        Console.Error.WriteLine($"connected {(int)connected["connected"]!} of {_keys.Count} devices in {(double)connected["seconds"]!} s " +
                                $"({(long)connected["retries"]!} retries); presence holds {presence}");
        return new Connecting((double)connected["seconds"]!, _keys.Count - (int)presence, (long)connected["retries"]!,
            (int)connected["sourceAddresses"]!, cpu, connected["firstErrors"]!.AsArray());
    }

    public async Task<double> LoadGeneratorCpuSecondsAsync() => (double)(await _load!.ReportAsync())["cpuSeconds"]!;

    public sealed record Outcome(bool Exact, JsonObject Figures);

    /// <summary>Method job: every device got exactly one request, and the gateway recorded one call per device.</summary>
    public async Task<Outcome> MethodOutcomeAsync(string jobId)
    {
        var report = await _load!.ReportAsync();
        var requests = report["methodRequests"]!.AsObject();
        var calls = await ScalarAsync("select count(*) from devicegateway.calls where job_id = $1", jobId);
        var exact = (long)requests["total"]! == _keys.Count && (int)requests["devices"]! == _keys.Count && (int)requests["maxPerDevice"]! == 1
                    && calls == _keys.Count && (long)report["unexpectedMessages"]! == 0;
        return new Outcome(exact, Figures(report, new JsonObject { ["methodRequests"] = requests.DeepClone(), ["gatewayCallRecords"] = calls }));
    }

    /// <summary>
    /// Twin job: waits until every device applied the desired change and the hub acknowledged its report (the job itself
    /// ends when the twins are written, before the devices hear of it), then checks the registry holds every report.
    /// </summary>
    public async Task<Outcome> TwinOutcomeAsync(string firmware, DateTimeOffset jobStart)
    {
        var deadline = Stopwatch.StartNew();
        JsonObject report;
        while (true)
        {
            report = await _load!.ReportAsync();
            if ((int)report["reportedAcknowledged"]!["devices"]! >= _keys.Count || deadline.Elapsed > TimeSpan.FromMinutes(10)) break;
            await Task.Delay(250);
        }
        var allReportedAt = DateTimeOffset.UtcNow;
        var reported = await ScalarAsync(
            "select count(*) from registry.devices where device_id like $1 and twin->'properties'->'reported'->>'firmware' = $2", DevicePrefix + "%", firmware);
        var desired = report["desiredNotifications"]!.AsObject();
        var acknowledged = report["reportedAcknowledged"]!.AsObject();
        var exact = (int)desired["devices"]! == _keys.Count && (int)desired["maxPerDevice"]! == 1
                    && (int)acknowledged["devices"]! == _keys.Count && (int)acknowledged["maxPerDevice"]! == 1
                    && reported == _keys.Count && (long)report["unexpectedMessages"]! == 0;
        return new Outcome(exact, Figures(report, new JsonObject
        {
            ["devicesReportedSeconds"] = Math.Round((allReportedAt - jobStart).TotalSeconds, 2),
            ["desiredNotifications"] = desired.DeepClone(), ["reportedAcknowledged"] = acknowledged.DeepClone(), ["reportedInRegistry"] = reported,
        }));
    }

    private JsonObject Figures(JsonObject report, JsonObject figures)
    {
        figures["connectedAfterJob"] = (int)report["connectedNow"]!;
        figures["unexpectedMessages"] = (long)report["unexpectedMessages"]!;
        figures["disconnections"] = (long)report["disconnections"]!;
        figures["loadGeneratorPeakRssMb"] = (long)report["peakRssMb"]!;
        return figures;
    }

    private async Task<long> WaitForPresenceAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var held = await ScalarAsync("select count(*) from presence.connections where device_id like $1", DevicePrefix + "%");
            if (held >= _keys.Count || deadline.Elapsed > TimeSpan.FromMinutes(1)) return held;
            await Task.Delay(250);
        }
    }

    private async Task<long> ScalarAsync(string sql, params object[] parameters)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var p in parameters) cmd.Parameters.AddWithValue(p);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_load is not null) await _load.DisposeAsync();
    }
}
