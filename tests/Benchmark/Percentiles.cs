using System.Text.Json.Nodes;

namespace Benchmark;

/// <summary>Nearest-rank p50, p99 and max of timings in milliseconds, as the benchmark prints them (NaN left out).</summary>
public static class Percentiles
{
    public static JsonObject Of(IEnumerable<double> milliseconds, int decimals = 0)
    {
        var sorted = milliseconds.Where(v => !double.IsNaN(v)).Order().ToArray();
        double At(double p) => sorted.Length == 0 ? double.NaN : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)], decimals);
        return new JsonObject { ["p50"] = At(0.50), ["p99"] = At(0.99), ["max"] = At(1.0) };
    }
}
