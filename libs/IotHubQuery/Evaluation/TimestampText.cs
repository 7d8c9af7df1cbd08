using System.Globalization;
using IotHubJobs.Query.Ast;

namespace IotHubJobs.Query.Evaluation;

/// <summary>Date strings compared with timestamp fields (<c>createdTimeUtc &gt; '2016-09-01'</c>); no offset means UTC.</summary>
internal static class TimestampText
{
    public static DateTimeOffset Parse(StringLiteral literal)
    {
        if (!TryParse(literal.Value, out var timestamp))
        {
            throw QueryException.Invalid(literal.Position, $"'{literal.Value}' is not a date; write dates like '2016-09-01' or '2016-09-01T10:00:00Z'");
        }

        return timestamp;
    }

    public static bool TryParse(string text, out DateTimeOffset timestamp)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            // PostgreSQL keeps microseconds; truncating here keeps SQL and evaluator results identical.
            timestamp = new DateTimeOffset(parsed.UtcTicks - (parsed.UtcTicks % 10), TimeSpan.Zero);
            return true;
        }

        timestamp = default;
        return false;
    }

    /// <summary>Unambiguous text for a <c>::timestamptz</c> parameter.</summary>
    public static string ToSqlText(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
