using IotHubJobs.DeviceTwins;
using IotHubJobs.IotHubErrors;

namespace JobsApi.Twins;

/// <summary>What a twin write decided under the row lock: the error to answer with, or the applied edit.</summary>
public sealed record TwinWrite(IotHubRefusal? Failure, TwinEdit? Edit)
{
    public static TwinWrite Refused(IotHubRefusal failure) => new(failure, null);

    public static TwinWrite Applied(TwinEdit edit) => new(null, edit);
}
