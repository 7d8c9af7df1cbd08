using System.Globalization;

namespace IotHubJobs.DeviceTwins;

/// <summary>Twin timestamps as IoT Hub writes them: UTC with seven fractional digits.</summary>
public static class TwinTime
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
