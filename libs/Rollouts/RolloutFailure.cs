using System.Text.Json.Nodes;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.IotHubErrors;

namespace IotHubJobs.Rollouts;

/// <summary>
/// How one attempt of a device ended, in the failure types of abort criteria and retries (docs/rollouts.md): <c>failed</c>
/// is a method answer of 400 or more or an error other than the ones below (a twin patch that failed); <c>timedOut</c> is
/// GatewayTimeout (and a twin job's missing acknowledgement); <c>notOnline</c> is DeviceNotOnline; an outcome lost in a
/// fault (DeviceOperationOutcomeUnknown) is <c>unknown</c>, which only <c>any</c> of an abort criterion counts and no
/// retry repeats (the device may have run it). Null: the attempt succeeded.
/// </summary>
public static class RolloutFailure
{
    public const string Failed = "failed";
    public const string TimedOut = "timedOut";
    public const string NotOnline = "notOnline";
    public const string Unknown = "unknown";
    public const string Any = "any";

    public static string? Of(DeviceJobResult r)
    {
        if (r.Succeeded) return r.MethodStatus >= 400 ? Failed : null;
        if (r.ErrorCode == IotHubError.GatewayTimeout.Code || r.ErrorCode == DeviceOperationErrors.AcknowledgementTimeout.Code) return TimedOut;
        if (r.ErrorCode == IotHubError.DeviceNotOnline.Code) return NotOnline;
        if (r.ErrorCode == IotHubError.DeviceOperationOutcomeUnknown.Code) return Unknown;
        return Failed;
    }

    /// <summary>What <c>lastError</c> of a retried device job says: the failure type, and the error or the method status.</summary>
    public static JsonObject Describe(DeviceJobResult r, string failureType)
    {
        var json = new JsonObject { ["failureType"] = failureType };
        if (r.ErrorCode is not null)
        {
            json["code"] = r.ErrorCode;
            json["description"] = r.ErrorDescription;
        }
        if (r.MethodStatus is { } status) json["status"] = status;
        return json;
    }
}
