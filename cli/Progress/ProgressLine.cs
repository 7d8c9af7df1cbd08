using System.Globalization;
using Spectre.Console;

namespace IotHubJobs.Cli.Progress;

/// <summary>
/// The one line of progress both views print:
/// <c>reboot-43 running [███▒▒░░░] 62% · succeeded 600 · failed 20 · running 100 · pending 280 · of 1000 · 150/s · ETA 3s</c>.
/// The bar's segments are succeeded (green), failed (red), running (yellow) and pending (grey), in that order. A rollout
/// adds its wave, an awaited approval and its rate after the counts: <c>· of 10 · wave 1 of 2 · awaiting approval · 600/min</c>.
/// </summary>
public static class ProgressLine
{
    public const int BarWidth = 30;

    public static string Markup(JobSnapshot job, ProgressRate rate, bool colours)
    {
        var total = job.Total;
        var percent = total == 0 ? 0 : (int)(100 * job.Finished / total);
        var bar = Bar(job, colours);
        var parts = new List<string>
        {
            $"succeeded {job.Succeeded}", $"failed {job.Failed}", $"running {job.Running}", $"pending {job.Pending}", $"of {total}",
        };
        if (job.Rollout is { } rollout) parts.AddRange(rollout.Parts().Select(Spectre.Console.Markup.Escape));
        if (rate.PerSecond is double perSecond) parts.Add($"{perSecond.ToString("0.#", CultureInfo.InvariantCulture)}/s");
        if (!job.IsFinished && rate.TimeLeft(total - job.Finished) is { } left && total > 0) parts.Add($"ETA {Duration(left)}");
        var text = $"{Spectre.Console.Markup.Escape(job.JobId)} {Spectre.Console.Markup.Escape(job.Status)} [[{bar}]] {percent}% · " +
                   string.Join(" · ", parts);
        return text;
    }

    public static string Plain(JobSnapshot job, ProgressRate rate) => Spectre.Console.Markup.Remove(Markup(job, rate, colours: false));

    private static string Bar(JobSnapshot job, bool colours)
    {
        var total = job.Total;
        if (total == 0) return new string('░', BarWidth);
        int Width(long count) => (int)Math.Round((double)BarWidth * count / total);
        var succeeded = Width(job.Succeeded);
        var failed = Math.Min(BarWidth - succeeded, Width(job.Failed));
        var running = Math.Min(BarWidth - succeeded - failed, Width(job.Running));
        var pending = BarWidth - succeeded - failed - running;
        string Part(int width, char glyph, string colour) =>
            width == 0 ? "" : colours ? $"[{colour}]{new string(glyph, width)}[/]" : new string(glyph, width);
        return Part(succeeded, '█', "green") + Part(failed, '█', "red") + Part(running, '▒', "yellow") + Part(pending, '░', "grey");
    }

    public static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? $"{(int)span.TotalHours}h{span.Minutes:00}m"
        : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m{span.Seconds:00}s" : $"{(int)Math.Ceiling(span.TotalSeconds)}s";
}
