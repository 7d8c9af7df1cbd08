using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.DeviceGateway;

/// <summary>
/// Calls find the holder of a device's connection through the public API (docs/devices.md, "Presence and routing"):
/// a connected device is called through the device gateway holding it, a simulated one through device-sim, and any
/// other device is not online — without anybody calling it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RoutingSpecs(SystemUnderTest system)
{
    private readonly RealDevices _devices = new(system);
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task A_direct_method_reaches_a_device_connected_over_mqtt()
    {
        var device = await _devices.RegisterAsync("route-direct");
        await using var client = await _devices.ConnectAsync(device);
        await client.SubscribeMethodsAsync();
        client.AnswerMethods(status: 200, payload: body => $$"""{"echo":{{body}}}""");

        var response = await system.Hub.PostAsync($"/twins/{device.DeviceId}/methods",
            new JsonObject { ["methodName"] = "reboot", ["payload"] = new JsonObject { ["n"] = 7 }, ["responseTimeoutInSeconds"] = 10 });

        Assert.Equal("""{"status":200,"payload":{"echo":{"n":7}}}""", response.EnsureStatus(HttpStatusCode.OK).Json.ToJsonString());
        Assert.Single(client.Requests);
    }

    [Fact]
    public async Task A_device_neither_connected_nor_simulated_is_not_online_at_once()
    {
        var device = await _devices.RegisterAsync("route-absent");

        var response = await system.Hub.PostAsync($"/twins/{device.DeviceId}/methods", new JsonObject { ["methodName"] = "reboot" });

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("DeviceNotOnline", response.Header("iothub-errorcode"));
    }

    [Fact]
    public async Task A_device_that_connects_within_the_connect_timeout_gets_its_call()
    {
        var device = await _devices.RegisterAsync("route-late");
        var call = system.Hub.PostAsync($"/twins/{device.DeviceId}/methods",
            new JsonObject { ["methodName"] = "reboot", ["responseTimeoutInSeconds"] = 10, ["connectTimeoutInSeconds"] = 60 });
        // Connected only once the call is surely waiting for it (the registry cannot tell: the call is in jobs-api's hands).
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.False(call.IsCompleted, "precondition: the call was still waiting for the device to connect");
        await using var client = await _devices.ConnectAsync(device);
        await client.SubscribeMethodsAsync();
        client.AnswerMethods(status: 200);

        Assert.Equal(200, (int)(await call).EnsureStatus(HttpStatusCode.OK).Json["status"]!);
    }

    [Fact]
    public async Task A_method_job_over_connected_simulated_and_absent_devices_gives_each_its_own_outcome()
    {
        var connected = new List<MqttDevice>();
        try
        {
            foreach (var i in Enumerable.Range(0, 5))
            {
                var device = await _devices.RegisterAsync($"route-job-{_run}-{i}");
                (await system.Hub.SendAsync(HttpMethod.Patch, $"/twins/{device.DeviceId}", new JsonObject { ["tags"] = new JsonObject { ["run"] = _run } },
                    r => r.Headers.TryAddWithoutValidation("If-Match", "*"))).EnsureStatus(HttpStatusCode.OK);
                var client = await _devices.ConnectAsync(device);
                await client.SubscribeMethodsAsync();
                client.AnswerMethods(status: 200, payload: _ => "\"done\"");
                connected.Add(client);
            }
            var simulated = await Fleet.CreateAsync(system.Hub, $"route-sim-{_run}", 3, new JsonObject { ["run"] = _run });
            var absent = await _devices.RegisterAsync($"route-gone-{_run}");
            (await system.Hub.SendAsync(HttpMethod.Patch, $"/twins/{absent.DeviceId}", new JsonObject { ["tags"] = new JsonObject { ["run"] = _run } },
                r => r.Headers.TryAddWithoutValidation("If-Match", "*"))).EnsureStatus(HttpStatusCode.OK);
            var jobId = $"route-job-{_run}";

            (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{_run}'"))).EnsureStatus(HttpStatusCode.OK);
            var job = await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);

            Assert.Equal("""{"deviceCount":9,"failedCount":1,"succeededCount":8,"runningCount":0,"pendingCount":0}""", job["deviceJobStatistics"]!.ToJsonString());
            var rows = await Ledger.RowsAsync(system, jobId);
            Assert.Equal(("failed", "DeviceNotOnline"), (rows[absent.DeviceId].Status, rows[absent.DeviceId].ErrorCode));
            Assert.All(connected, c => Assert.Equal(("completed", (int?)200), (rows[c.DeviceId].Status, rows[c.DeviceId].MethodStatus)));
            Assert.All(connected, c => Assert.Single(c.Requests));
            Assert.All(simulated, id => Assert.Equal("completed", rows[id].Status));
        }
        finally
        {
            foreach (var client in connected) await client.DisposeAsync();
        }
    }
}
