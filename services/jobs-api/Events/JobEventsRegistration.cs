namespace JobsApi.Events;

public static class JobEventsRegistration
{
    /// <summary>The readers of the job event log: SSE streams (docs/events.md).</summary>
    public static IHostApplicationBuilder AddJobEvents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<JobEventLog>();
        builder.Services.AddSingleton<JobEventTranslator>();
        builder.Services.AddSingleton<EventLogTail>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventLogTail>());
        builder.Services.AddSingleton<JobEventSources>();
        return builder;
    }
}
