using System.Globalization;
using System.Text;

namespace IotHubJobs.Query;

/// <summary>Where the next page starts; <see cref="ToToken"/> is the opaque <c>x-ms-continuation</c> value.</summary>
public readonly record struct QueryContinuation(long Offset)
{
    private const string Prefix = "q1:";

    public string ToToken() =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes(Prefix + Offset.ToString(CultureInfo.InvariantCulture)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool TryParse(string? token, out QueryContinuation continuation)
    {
        continuation = default;
        if (string.IsNullOrEmpty(token) || token.Length > 64)
        {
            return false;
        }

        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var written))
        {
            return false;
        }

        var text = Encoding.ASCII.GetString(bytes, 0, written);
        if (!text.StartsWith(Prefix, StringComparison.Ordinal)
            || !long.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return false;
        }

        continuation = new QueryContinuation(offset);
        return true;
    }
}
