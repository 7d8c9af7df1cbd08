using IotHubJobs.ServiceDefaults;
using MassTransit;
using Scheduler.Fanout;
using Scheduler.Schedules;

namespace Scheduler;

public static class SchedulerExtensions
{
    public static IHostApplicationBuilder AddScheduler(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres();
        builder.Services.AddSingleton<SchedulerWakeUp>();
        builder.Services.AddSingleton<StartDueJobs>();
        builder.Services.AddSingleton<FanOutChunk>();
        builder.Services.AddSingleton<ExpireDeadlines>();
        builder.AddBus(x =>
        {
            x.AddConsumer<RecordJobSchedule>();
            x.AddConsumer<StopJobSchedule>();
            x.AddConsumer<ForgetExpiredSchedules>();
        });
        // After the bus: hosted services start in registration order, and the loop publishes.
        builder.Services.AddHostedService<SchedulerLoop>();
        return builder;
    }
}
