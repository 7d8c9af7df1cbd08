namespace IotHubJobs.Cli.Progress;

/// <summary>
/// Finished devices per second over the last <c>window</c>, and the time left at that rate. A sliding window, not the
/// average since the start: a job that waited for its start time or slowed down shows what it does now.
/// </summary>
public sealed class ProgressRate(TimeProvider time, TimeSpan window)
{
    private readonly Queue<(DateTimeOffset At, long Finished)> _samples = new();

    public ProgressRate(TimeProvider time) : this(time, TimeSpan.FromSeconds(10)) { }

    public void Add(long finished)
    {
        var now = time.GetUtcNow();
        _samples.Enqueue((now, finished));
        // keep one sample older than the window, so the rate always spans at least the window once it has
        while (_samples.Count > 2 && now - ElementAt(1).At >= window) _samples.Dequeue();
    }

    /// <summary>Null until two samples at different times exist.</summary>
    public double? PerSecond
    {
        get
        {
            if (_samples.Count < 2) return null;
            var (firstAt, first) = _samples.Peek();
            var (lastAt, last) = _samples.Last();
            var seconds = (lastAt - firstAt).TotalSeconds;
            return seconds <= 0 ? null : Math.Max(0, last - first) / seconds;
        }
    }

    /// <summary>Null while the rate is unknown or zero.</summary>
    public TimeSpan? TimeLeft(long remaining) =>
        remaining <= 0 ? TimeSpan.Zero : PerSecond is double rate && rate > 0 ? TimeSpan.FromSeconds(Math.Ceiling(remaining / rate)) : null;

    private (DateTimeOffset At, long Finished) ElementAt(int index) => _samples.ElementAt(index);
}
