using IotHubJobs.DeviceTwins;

namespace JobsApi.Twins;

/// <summary>What a twin write decided under the row lock: the error to answer with, or the applied edit.</summary>
public sealed record TwinWrite(IResult? Failure, TwinEdit? Edit)
{
    public static TwinWrite Refused(IResult failure) => new(failure, null);

    public static TwinWrite Applied(TwinEdit edit) => new(null, edit);
}
