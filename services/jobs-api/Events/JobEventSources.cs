namespace JobsApi.Events;

/// <summary>What every reader of the job event log shares: the log, its high-water mark, the translation and the clock.</summary>
public sealed class JobEventSources(JobEventLog log, EventLogTail tail, JobEventTranslator translator, TimeProvider clock, IConfiguration configuration)
{
    public JobEventLog Log { get; } = log;
    public EventLogTail Tail { get; } = tail;
    public JobEventTranslator Translator { get; } = translator;
    public TimeProvider Clock { get; } = clock;
    public TimeSpan ProgressInterval { get; } = TimeSpan.FromMilliseconds(configuration.GetValue("Events:ProgressIntervalMilliseconds", 1000));

    /// <summary>A reader of the events <paramref name="selection"/> names, after <paramref name="after"/>.</summary>
    public JobEventFeed Feed(EventSelection selection, EventPosition after) => new(this, selection, after);
}
