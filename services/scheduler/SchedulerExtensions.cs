using IotHubJobs.Registry;
using IotHubJobs.Dispatch;
using IotHubJobs.Messaging;
using IotHubJobs.ServiceDefaults;
using MassTransit;
using Scheduler.Fanout;
using Scheduler.Rollouts;
using Scheduler.Recurrences;
using Scheduler.Schedules;

namespace Scheduler;

public static class SchedulerExtensions
{
    public static IHostApplicationBuilder AddScheduler(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres()
            .AddSchema(typeof(DeviceRegistry).Assembly, "registry.sql")
            .AddSchema(typeof(DeviceJobLedger).Assembly, "dispatch.sql")
            .AddSchema(typeof(SchedulerExtensions).Assembly, "scheduler.sql");
        builder.Services.AddSingleton<SchedulerWakeUp>();
        builder.Services.AddSingleton<StartDueJobs>();
        builder.Services.AddSingleton<FanOutChunk>();
        builder.Services.AddSingleton<CommandPublisher>();
        builder.Services.AddSingleton<RolloutDispatch>();
        builder.Services.AddSingleton<RetryDispatch>();
        builder.Services.AddSingleton<RecurringJobs>();
        builder.Services.AddSingleton<DeviceJobLedger>();
        builder.Services.AddSingleton<ExpireDeadlines>();
        builder.AddBus(x =>
        {
            x.AddConsumer<RecordJobScheduleConsumer>();
            x.AddConsumer<StopJobScheduleConsumer>();
            x.AddConsumer<ForgetExpiredSchedulesConsumer>();
            x.AddConsumer<SteerRolloutConsumer>();
        });
        // After the bus: hosted services start in registration order, and the loop publishes.
        builder.Services.AddHostedService<SchedulerLoop>();
        return builder;
    }
}
