using System.Text.RegularExpressions;

namespace Gateway.Limits;

/// <summary><c>api-version</c> is required on every proxied call: <c>YYYY-MM-DD</c> or <c>YYYY-MM-DD-preview</c>.</summary>
public static partial class ApiVersion
{
    public const string QueryParameter = "api-version";

    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value)
        && DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", out _);

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(-preview)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
