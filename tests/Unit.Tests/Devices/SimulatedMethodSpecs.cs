using DeviceSim.Devices;
using DeviceSim.Methods;
using IotHubJobs.Contracts.Devices;
using Microsoft.Extensions.Time.Testing;

namespace Unit.Tests.Devices;

/// <summary>
/// Which simulated devices answer at once — their outcome is then recorded with the call, in one write
/// (services/device-sim/Methods/DeviceCallLog.cs) — and that such an answer is the one the device gives when run.
/// </summary>
public sealed class SimulatedMethodSpecs
{
    private static readonly SimulatedBehaviour Connected = new(Simulated: true, Enabled: true, Offline: false, ConnectDelaySeconds: 0, LatencyMs: 0, MethodStatus: 200);

    private static DeviceMethodCall Call(string method = "echo", int connectTimeout = 0) =>
        new("d1", method, """{"n":1}""", ResponseTimeoutInSeconds: 30, ConnectTimeoutInSeconds: connectTimeout, JobId: "job1");

    [Fact]
    public async Task A_connected_device_without_latency_answers_at_once_what_it_answers_when_run()
    {
        var atOnce = SimulatedMethod.AnswerAtOnce(Call(), Connected);
        var run = await SimulatedMethod.AnswerAsync(Call(), Connected, new FakeTimeProvider());

        Assert.Equal(new DeviceMethodOutcome("d1", DeviceMethodOutcomeKind.Responded, 200, """{"n":1}"""), atOnce);
        Assert.Equal(run, atOnce);
    }

    [Fact]
    public void A_device_steered_to_fail_answers_its_status_at_once()
    {
        var outcome = SimulatedMethod.AnswerAtOnce(Call("reboot"), Connected with { MethodStatus = 500 });

        Assert.Equal(DeviceMethodOutcomeKind.Responded, outcome?.Kind);
        Assert.Equal(500, outcome?.Status);
    }

    [Fact]
    public void An_offline_device_called_without_a_connect_timeout_is_not_online_at_once()
    {
        var outcome = SimulatedMethod.AnswerAtOnce(Call(connectTimeout: 0), Connected with { Offline = true });

        Assert.Equal(DeviceMethodOutcomeKind.DeviceNotOnline, outcome?.Kind);
    }

    [Fact]
    public void A_device_that_is_waited_for_has_no_answer_before_it_runs()
    {
        Assert.Null(SimulatedMethod.AnswerAtOnce(Call(), Connected with { LatencyMs = 10 }));
        Assert.Null(SimulatedMethod.AnswerAtOnce(Call(connectTimeout: 5), Connected with { ConnectDelaySeconds = 1 }));
        Assert.Null(SimulatedMethod.AnswerAtOnce(Call(connectTimeout: 5), Connected with { Offline = true }));
    }
}
