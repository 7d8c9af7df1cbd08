namespace Integration.Tests.Infrastructure;

/// <summary>Reads a service's Prometheus endpoint (<c>/metrics</c>) the way a scraper would.</summary>
public static class Prometheus
{
    /// <summary>The sum of every sample of <paramref name="metric"/> (all its label sets) on these services' endpoints.</summary>
    public static async Task<double> SumAsync(SystemUnderTest system, string metric, params string[] services)
    {
        using var http = new HttpClient();
        var sum = 0.0;
        foreach (var service in services)
        {
            var text = await http.GetStringAsync(new Uri(system.ServiceUrl(service), "/metrics"));
            sum += text.Split('\n').Where(l => l.StartsWith(metric, StringComparison.Ordinal) && l.Length > metric.Length && l[metric.Length] is '{' or ' ')
                .Sum(SampleValue);
        }
        return sum;
    }

    /// <summary>The value of a sample line: <c>name{labels} value [timestamp]</c> or <c>name value [timestamp]</c>.</summary>
    private static double SampleValue(string line)
    {
        var afterName = line.Contains('}') ? line[(line.LastIndexOf('}') + 1)..] : line[line.IndexOf(' ')..];
        return double.Parse(afterName.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
