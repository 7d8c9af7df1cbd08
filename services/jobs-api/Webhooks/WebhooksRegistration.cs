using IotHubJobs.ServiceDefaults;

namespace JobsApi.Webhooks;

public static class WebhooksRegistration
{
    /// <summary>Webhook subscriptions and their delivery (docs/events.md, "Webhooks"); jobs-api owns their tables.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.AddSchema(typeof(WebhooksRegistration).Assembly, "webhooks.sql");
        builder.Services.Configure<WebhookOptions>(builder.Configuration.GetSection("Webhooks"));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebhookOptions>>().Value);
        builder.Services.AddSingleton<WebhookStore>();
        builder.Services.AddSingleton<WebhookUrlPolicy>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddSingleton<WebhookDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return builder;
    }

    public static WebApplication MapWebhooks(this WebApplication app)
    {
        app.MapGet("/webhooks", ListWebhooks.Handle);
        app.MapPut("/webhooks/{name}", PutWebhook.Handle);
        app.MapGet("/webhooks/{name}", GetWebhook.Handle);
        app.MapDelete("/webhooks/{name}", DeleteWebhook.Handle);
        app.MapGet("/webhooks/{name}/deliveries", ListWebhookDeliveries.Handle);
        return app;
    }
}
