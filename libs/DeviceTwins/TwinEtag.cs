using System.Security.Cryptography;

namespace IotHubJobs.DeviceTwins;

/// <summary>
/// Twin etags are opaque random tokens rather than encodings of the version, so a device deleted and created again
/// under the same id never hands an old etag back to a client holding it.
/// </summary>
public static class TwinEtag
{
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(9));
}
