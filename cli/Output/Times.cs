using System.Globalization;
using System.Text.Json.Nodes;

namespace IotHubJobs.Cli.Output;

/// <summary>How times read in tables: UTC to the second; IoT Hub's "not finished" end time (the largest date) as a dash.</summary>
public static class Times
{
    public static string Show(JsonNode? value)
    {
        var text = value?.GetValue<string>();
        if (string.IsNullOrEmpty(text)) return "-";
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)) return text;
        if (time.Year >= 9999 || time.Year <= 1) return "-";
        return time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
