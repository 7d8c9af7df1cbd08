using IotHubJobs.Contracts.Devices;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using IotHubJobs.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace IotHubJobs.DeviceLayer;

/// <summary>
/// Runs a job's method on the devices whose pending device jobs this delivery claims, once per call id, and reports
/// their outcomes as the job's results itself: the answers reach jobs-api through the durable results queue whoever
/// sent the call. While the broker refuses the publish, the claim is renewed and the publish tried again. When the
/// delivery itself is lost with its broker connection, this consumer stops: the broker delivers the request again, and
/// that delivery answers from the run in progress or from the recorded outcomes, running nothing twice.
/// </summary>
public sealed class DeliverJobMethodConsumer(DeviceCalls calls, ClaimedOutcomes report, IBus bus, TimeProvider clock,
    DeviceLayerInstance instance, IConfiguration configuration, ILogger<DeliverJobMethodConsumer> logger) : IConsumer<DeliverJobMethod>
{
    /// <summary>How long a claim outlives the calls' own timeouts before jobs-api treats its outcomes as lost.</summary>
    private readonly TimeSpan _claimGrace = TimeSpan.FromSeconds(configuration.GetValue("Dispatch:ClaimGraceSeconds", 30.0));
    private readonly string _instance = instance.Name;

    public async Task Consume(ConsumeContext<DeliverJobMethod> context)
    {
        var delivery = context.Message;
        var method = delivery.Method;
        using var activity = Telemetry.Source.StartActivity("deliver job method");
        activity?.SetTag("iothub.job_id", delivery.JobId);
        activity?.SetTag("iothub.method", method.MethodName);

        var lease = TimeSpan.FromSeconds(method.ResponseTimeoutInSeconds + method.ConnectTimeoutInSeconds) + _claimGrace;
        var deviceCalls = delivery.DeviceIds.Select(id => new DeviceMethodCall(id, method.MethodName, method.PayloadJson,
            method.ResponseTimeoutInSeconds, method.ConnectTimeoutInSeconds, delivery.JobId)).ToList();
        var answerBy = clock.GetUtcNow() + lease;
        var run = await calls.RunOnceAsync(delivery.CallId, deviceCalls, new DeviceCalls.JobClaim(delivery.JobId, _instance, lease), answerBy);
        activity?.SetTag("iothub.device_count", run.Outcomes.Count);
        if (run.Outcomes.Count == 0) return;

        var endedAt = clock.GetUtcNow();
        var claim = run.Claim is { DeviceIds.Count: > 0 } claimed ? claimed : new DeviceJobClaims.Claim([], endedAt, answerBy);
        var results = run.Outcomes.Select(o => JobMethodResult.From(o, claim.ClaimedAt, endedAt) with { Attempt = claim.AttemptOf(o.DeviceId) }).ToList();
        DeviceOperationMetrics.Record(method.MethodName, results, claim.ClaimedAt, endedAt);
        var completed = ResultMessages.Of(delivery.JobId, results).ToList();
        if (claim.DeviceIds.Count > 0)
        {
            await report.ReportAsync(delivery.JobId, claim, _instance, token => bus.PublishBatch(completed, token), context.CancellationToken);
            return;
        }
        // Answers repeated for a delivery seen before: the first delivery reports them too, so trying until answerBy is enough.
        try
        {
            await BrokerOutage.RetryUntilAsync(answerBy, clock, token => bus.PublishBatch(completed, token), ct: context.CancellationToken);
        }
        catch (TimeoutException e)
        {
            logger.LogWarning(e, "Gave up repeating the answers of call {CallId} of job {JobId}", delivery.CallId, delivery.JobId);
        }
    }
}
