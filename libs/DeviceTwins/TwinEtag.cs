using System.Security.Cryptography;

namespace IotHubJobs.DeviceTwins;

/// <summary>
/// Twin etags are opaque random tokens rather than encodings of the version, so a device deleted and created again
/// under the same id never hands an old etag back to a client holding it. The random bytes are drawn for many etags at
/// once: a twin job gives each of its devices a new etag, and one call to the system's generator per etag cost about as
/// much as the rest of the etag (docs/benchmarks.md, "Rows written where the lock found them").
/// </summary>
public static class TwinEtag
{
    private const int Bytes = 9;
    private const int PerDraw = 64;

    [ThreadStatic] private static byte[]? _drawn;
    [ThreadStatic] private static int _used;

    public static string New()
    {
        if (_drawn is null || _used == _drawn.Length)
        {
            _drawn ??= new byte[Bytes * PerDraw];
            RandomNumberGenerator.Fill(_drawn);
            _used = 0;
        }
        var etag = Convert.ToBase64String(_drawn, _used, Bytes);
        _used += Bytes;
        return etag;
    }
}
