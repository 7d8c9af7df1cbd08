using IotHubJobs.Presence;
using IotHubJobs.Registry;
using IotHubJobs.IotHubErrors;
using System.Text.Json.Nodes;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.ServiceDefaults;
using JobsApi.Devices;
using JobsApi.Http;
using JobsApi.Methods.DeviceCalls;

namespace JobsApi.Methods;

/// <summary>
/// <c>POST /twins/{id}/methods</c> (docs/iothub-api.md, "Direct methods"): one call through the device connection layer
/// (device-sim), answered with the device's status and payload, or a direct-method failure in IoT Hub's format B.
/// </summary>
public static class InvokeDirectMethod
{
    /// <summary>
    /// The longest a legal call keeps its HTTP request open (both timeouts at their maximum, plus the reply margin); the
    /// gateway's proxy timeout (<c>ActivityTimeout</c> in gateway/appsettings.json) must be longer.
    /// </summary>
    public static readonly TimeSpan LongestCall = TimeSpan.FromSeconds(
        DirectMethodRequest.MaxResponseTimeoutInSeconds + DirectMethodRequest.MaxConnectTimeoutInSeconds) + DeviceCallClient.ReplyMargin;

    public static async Task<IResult> Handle(string deviceId, HttpRequest request, DeviceRegistry registry,
        DeviceRoutes routes, DeviceCallClient devices, CancellationToken ct)
    {
        var (body, invalidBody) = await RequestBody.ReadAsync(request, ct);
        if (invalidBody is not null) return IotHubErrorResponse.Result(invalidBody);
        var (method, refusal) = DirectMethodRequest.Parse(body);
        if (refusal is not null) return IotHubErrorResponse.Result(refusal);
        if (await registry.FindAsync(deviceId, ct) is null) return IotHubErrorResponse.Result(DeviceRefusals.NotFound(deviceId));

        var call = new DeviceMethodCall(deviceId, method!.MethodName, method.PayloadJson,
            method.ResponseTimeoutInSeconds, method.ConnectTimeoutInSeconds, JobId: null);
        var outcome = await CallAsync(routes, devices, call, ct);
        return outcome?.Kind switch
        {
            DeviceMethodOutcomeKind.Responded => IotHubJson.Ok(new JsonObject
            {
                ["status"] = outcome.Status,
                ["payload"] = IotHubJson.ParseOrNull(outcome.PayloadJson),
            }),
            DeviceMethodOutcomeKind.DeviceNotOnline => IotHubErrorResponse.DirectMethodResult(IotHubError.DeviceNotOnline,
                DeviceOperationErrors.DeviceNotOnline.Description, new { timeout = TimeSpan.FromSeconds(method.ConnectTimeoutInSeconds).ToString("c") }),
            DeviceMethodOutcomeKind.ResponseTimedOut => IotHubErrorResponse.DirectMethodResult(IotHubError.GatewayTimeout,
                DeviceOperationErrors.GatewayTimeout.Description, new { timeout = TimeSpan.FromSeconds(method.ResponseTimeoutInSeconds).ToString("c") }),
            // The device layer said so, or never answered at all: the call may have reached the device, so it is neither
            // "not online" (that needs proof it never arrived) nor a device that was too slow.
            _ => IotHubErrorResponse.DirectMethodResult(IotHubError.DeviceOperationOutcomeUnknown, DeviceOperationErrors.OutcomeUnknown.Description),
        };
    }

    /// <summary>
    /// Calls the device through the holder of its connection, as soon as it is online within the connect timeout; a
    /// device not online by then was provably never called (DeviceNotOnline without asking anyone).
    /// </summary>
    private static async Task<DeviceMethodOutcome?> CallAsync(DeviceRoutes routes, DeviceCallClient devices, DeviceMethodCall call, CancellationToken ct)
    {
        DeviceMethodOutcome? outcome = null;
        var notOnline = await routes.RouteAsTheyConnectAsync([call.DeviceId], TimeSpan.FromSeconds(call.ConnectTimeoutInSeconds),
            async (queue, _, connectTimeLeft) =>
            {
                var routed = call with { ConnectTimeoutInSeconds = (int)Math.Ceiling(connectTimeLeft.TotalSeconds) };
                var timeout = TimeSpan.FromSeconds(routed.ResponseTimeoutInSeconds + routed.ConnectTimeoutInSeconds) + DeviceCallClient.ReplyMargin;
                var outcomes = await devices.CallAsync(queue, [routed], timeout, ct);
                outcome = outcomes?.GetValueOrDefault(call.DeviceId) ?? new DeviceMethodOutcome(call.DeviceId, DeviceMethodOutcomeKind.OutcomeUnknown, null, null);
            }, ct);
        return notOnline.Count > 0 ? new DeviceMethodOutcome(call.DeviceId, DeviceMethodOutcomeKind.DeviceNotOnline, null, null) : outcome;
    }
}
