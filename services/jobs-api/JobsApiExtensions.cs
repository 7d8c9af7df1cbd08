using IotHubJobs.Presence;
using IotHubJobs.Messaging;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.Dispatch;
using IotHubJobs.Registry;
using IotHubJobs.ServiceDefaults;
using JobsApi.Methods.DeviceCalls;
using MassTransit;
using JasperFx;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using JobsApi.Devices;
using JobsApi.Events;
using JobsApi.Http;
using JobsApi.Jobs;
using JobsApi.Jobs.Rollouts;
using JobsApi.Methods;
using JobsApi.Queries;
using JobsApi.Twins;
using JobsApi.Webhooks;
using Marten;

namespace JobsApi;

public static class JobsApiExtensions
{
    public static IHostApplicationBuilder AddJobsApi(this IHostApplicationBuilder builder)
    {
        builder.AddPostgres()
            .AddSchema(typeof(DeviceRegistry).Assembly, "registry.sql")
            .AddSchema(typeof(DeviceJobLedger).Assembly, "dispatch.sql");
        builder.AddPresence();
        // The bus is registered before the relay and the sweepers: hosted services start in order, and nothing
        // may publish before the bus is connected.
        builder.AddBus(x =>
        {
            x.AddConsumer<RecordJobProgressConsumer>();
            x.AddConsumer<CreateJobOccurrenceConsumer>();
            x.AddConsumer<RecordDeviceResultsConsumer, RecordDeviceResultsConsumerDefinition>();
            x.AddConsumer<RecordReportedPropertiesConsumer, RecordReportedPropertiesConsumerDefinition>();
            x.AddDeviceCalls(builder.Services, builder.Configuration["OTEL_SERVICE_NAME"] ?? "jobs-api-" + Environment.MachineName);
        });
        // Before Marten's own hosted services: the daemon needs the schema.
        builder.Services.AddHostedService<JobStoreSchema>();
        builder.Services.AddMarten(JobStore.Configure)
            .UseNpgsqlDataSource()
            .UseLightweightSessions()
            .AddAsyncDaemon(DaemonMode.HotCold)
            .AddSubscriptionWithServices<JobEventsRelay>(ServiceLifetime.Singleton, o => o.Options.BatchSize = 100);
        // Bodies are written by IotHubJson; should an endpoint ever return an object for ASP.NET to serialise, it is
        // escaped the same readable way.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        builder.Services.AddSingleton<DeviceJobLedger>();
        builder.Services.AddSingleton<JobWriter>();
        builder.Services.AddSingleton<RolloutAbort>();
        builder.Services.AddSingleton<DeviceRetries>();
        builder.Services.AddSingleton<TwinAcknowledgements>();
        builder.Services.AddHostedService<AcknowledgementTimeouts>();
        builder.Services.AddSingleton<DeviceRegistry>();
        builder.Services.AddSingleton<TwinStore>();
        builder.Services.AddSingleton<DesiredChangeNotifier>();
        builder.Services.AddHostedService<StaleClaimSweeper>();
        builder.Services.AddSingleton<JobRetention>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<JobRetention>());
        builder.AddJobEvents();
        builder.AddWebhooks();
        return builder;
    }

    public static WebApplication MapJobsApi(this WebApplication app)
    {
        app.MapPut("/jobs/v2/{jobId}", CreateJob.Handle);
        app.MapGet("/jobs/v2/{jobId}", GetJob.Handle);
        app.MapPost("/jobs/v2/{jobId}/cancel", CancelJob.Handle);
        app.MapPost("/jobs/v2/{jobId}/pause", PauseJob.Handle);
        app.MapPost("/jobs/v2/{jobId}/resume", ResumeJob.Handle);
        app.MapPost("/jobs/v2/{jobId}/approve", ApproveWave.Handle);
        app.MapPost("/jobs/v2/{jobId}/devices/{deviceId}/cancel", CancelDeviceJob.Handle);
        app.MapGet("/jobs/v2/events", StreamAllJobEvents.Handle);
        app.MapGet("/jobs/v2/{jobId}/events", StreamJobEvents.Handle);
        app.MapPut("/devices/{deviceId}", PutDevice.Handle);
        app.MapGet("/devices/{deviceId}", GetDevice.Handle);
        app.MapDelete("/devices/{deviceId}", DeleteDevice.Handle);
        app.MapPost("/devices", BulkDevices.Handle);
        app.MapGet("/twins/{deviceId}", GetTwin.Handle);
        app.MapPatch("/twins/{deviceId}", UpdateTwin.Patch);
        app.MapPut("/twins/{deviceId}", UpdateTwin.Replace);
        app.MapGet("/jobs/v2/query", QueryJobs.Handle);
        app.MapPost("/devices/query", QueryDevices.Handle);
        app.MapPost("/twins/{deviceId}/methods", InvokeDirectMethod.Handle);
        app.MapWebhooks();
        app.MapFallback("{**path}", NoOperation.Handle); // any method, any path, also ones that look like file names
        return app;
    }
}
