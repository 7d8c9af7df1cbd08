using IotHubJobs.Contracts.Devices;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using IotHubJobs.IotHubErrors;
using IotHubJobs.Messaging;
using IotHubJobs.Presence;
using IotHubJobs.ServiceDefaults;
using MassTransit;

namespace Executor.Methods;

/// <summary>
/// Routes a chunk of a method job to the holders of the devices' connections (docs/devices.md, "Presence and routing"):
/// one delivery per holder — the device-gateway instance a device is connected to, device-sim for simulated devices.
/// The holder claims, calls and reports each device itself, so a crash here loses no answer: a delivery sent twice
/// (this message redelivered) finds the devices already claimed and calls nobody again. Devices not online are looked
/// for again until the method's connect timeout ends; those still not online then were provably never called, and
/// fail as <c>DeviceNotOnline</c>.
/// </summary>
public sealed class InvokeDeviceMethodsConsumer(DeviceRoutes routes, DeviceJobClaims claims, ClaimedOutcomes report, TimeProvider clock,
    IConfiguration configuration) : IConsumer<InvokeDeviceMethods>
{
    private readonly string _instance = configuration["Executor:InstanceId"] ?? Environment.MachineName;
    private readonly TimeSpan _claimGrace = TimeSpan.FromSeconds(configuration.GetValue("Dispatch:ClaimGraceSeconds", 30.0));

    public async Task Consume(ConsumeContext<InvokeDeviceMethods> context)
    {
        var command = context.Message;
        using var activity = Telemetry.Source.StartActivity("route device methods");
        activity?.SetTag("iothub.job_id", command.JobId);
        activity?.SetTag("iothub.method", command.Method.MethodName);
        activity?.SetTag("iothub.device_count", command.DeviceIds.Count);

        // Nothing is claimed while routing: a failed send leaves the message to be delivered again, with nothing lost.
        var notOnline = await routes.RouteAsTheyConnectAsync(command.DeviceIds, TimeSpan.FromSeconds(command.Method.ConnectTimeoutInSeconds),
            async (queue, devices, connectTimeLeft) =>
            {
                var method = command.Method with { ConnectTimeoutInSeconds = (int)Math.Ceiling(connectTimeLeft.TotalSeconds) };
                var holder = await context.GetSendEndpoint(QueueAddress.Of(queue));
                await holder.Send(new DeliverJobMethod(NewId.NextGuid(), command.JobId, method, devices), context.CancellationToken);
            }, context.CancellationToken);
        if (notOnline.Count > 0) await ReportNotOnlineAsync(context, command, notOnline);
    }

    private async Task ReportNotOnlineAsync(ConsumeContext context, InvokeDeviceMethods command, IReadOnlyList<string> devices)
    {
        var jobId = command.JobId;
        var claim = await claims.ClaimAsync(jobId, devices, _instance, _claimGrace, context.CancellationToken);
        if (claim.DeviceIds.Count == 0) return;
        var now = clock.GetUtcNow();
        var error = DeviceOperationErrors.DeviceNotOnline;
        var results = claim.DeviceIds.Select(d => new DeviceJobResult(d, false, claim.ClaimedAt, now, null, null, error.Code, error.Description,
            claim.AttemptOf(d))).ToList();
        DeviceOperationMetrics.Record(command.Method.MethodName, results, claim.ClaimedAt, now);
        await report.ReportAsync(jobId, claim, _instance, token => context.PublishBatch(ResultMessages.Of(jobId, results), token));
    }
}

public sealed class InvokeDeviceMethodsConsumerDefinition() :
    QueueDefinition<InvokeDeviceMethodsConsumer>("invoke-device-methods", prefetchCount: 32, concurrentMessageLimit: 16);
