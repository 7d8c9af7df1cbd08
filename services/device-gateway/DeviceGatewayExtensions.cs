using DeviceGateway.Connections;
using DeviceGateway.Methods;
using DeviceGateway.Mqtt;
using DeviceGateway.Presence;
using DeviceGateway.Twins;
using IotHubJobs.Certificates;
using IotHubJobs.DeviceLayer;
using IotHubJobs.Dispatch;
using IotHubJobs.Messaging;
using IotHubJobs.Presence;
using IotHubJobs.Registry;
using IotHubJobs.Security;
using IotHubJobs.ServiceDefaults;
using Microsoft.AspNetCore.HttpOverrides;
using MQTTnet.AspNetCore;
using MQTTnet.Server;
using MassTransit;
using System.Security.Authentication;

namespace DeviceGateway;

public static class DeviceGatewayExtensions
{
    /// <summary>The WebSocket path of IoT Hub's MQTT endpoint, reached through the gateway (docs/devices.md, "Transports").</summary>
    public const string WebSocketPath = "/$iothub/websocket";

    public static WebApplicationBuilder AddDeviceGateway(this WebApplicationBuilder builder)
    {
        var options = DeviceGatewayOptions.From(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(options);
        var certificates = DevCertificates.LoadOrCreate(options.CertificateDirectory, options.HostName, TimeProvider.System);
        var policies = options.PoliciesFile is null ? null : SharedAccessPolicySet.Load(options.PoliciesFile);
        builder.Services.AddSingleton(sp => new DeviceTokenValidator(options.HostName, policies, sp.GetRequiredService<TimeProvider>(), options.TokenClockSkew));

        // docs/devices.md, "Capacity": connect bursts overflow the default backlog of 100.
        builder.WebHost.UseSockets(s => s.Backlog = 4096);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            HttpEndpoints.ListenOn(kestrel, builder.Configuration["urls"]);
            kestrel.ListenAnyIP(options.MqttPort, listen =>
            {
                listen.UseHttps(certificates.Server, https => https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13);
                listen.UseMqtt();
            });
        });
        // Persistent sessions are mandatory: Node's SDK does not subscribe again after its token-renewal reconnect.
        builder.Services.AddMqttServer(o => o.WithPersistentSessions(true).WithoutDefaultEndpoint());
        builder.Services.AddConnections();
        // The WebSocket port is internal and reached through the gateway, which says who the device is (X-Forwarded-For).
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
        });

        builder.AddPostgres()
            .AddSchema(typeof(DeviceRegistry).Assembly, "registry.sql")
            .AddSchema(typeof(DeviceJobLedger).Assembly, "dispatch.sql")
            .AddSchema(typeof(DeviceGatewayExtensions).Assembly, "devicegateway.sql");
        builder.AddPresence();
        builder.Services.AddSingleton<DeviceRegistry>();
        builder.Services.AddSingleton<TwinStore>();
        builder.Services.AddDeviceLayer<GatewayCallLog, MqttMethodRunner>(options.InstanceId);
        builder.Services.AddSingleton<ConnectedDevices>();
        builder.Services.AddSingleton<PendingConnects>();
        builder.Services.AddSingleton<PendingMethodCalls>();
        builder.Services.AddSingleton<DeviceSender>();
        builder.Services.AddSingleton<TwinRequests>();
        builder.Services.AddSingleton<ReportedPatchBatches>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReportedPatchBatches>());
        builder.Services.AddSingleton<ConnectionAuthenticator>();
        builder.Services.AddSingleton<ConnectionTracker>();
        builder.Services.AddSingleton<SubscriptionAuthorizer>();
        builder.Services.AddSingleton<DevicePublishHandler>();
        builder.AddBus(x =>
        {
            // One queue per instance for every call to the devices it holds (docs/devices.md, "Presence and routing").
            x.AddConsumer<CallDeviceMethodsConsumer>().Endpoint(e => CallQueue(e, options));
            x.AddConsumer<DeliverJobMethodConsumer>().Endpoint(e => CallQueue(e, options));
            x.AddConsumer<PushDesiredPropertiesConsumer, PushDesiredPropertiesConsumerDefinition>();
            x.AddConsumer<ForgetExpiredCallsConsumer, ForgetExpiredCallsConsumerDefinition>();
        });
        builder.Services.AddHostedService<InstanceHeartbeat>();
        builder.Services.AddHostedService<ActivityFlush>();
        builder.Services.AddHostedService<DirectCallRetention>();
        return builder;
    }

    private static void CallQueue(IEndpointRegistrationConfigurator endpoint, DeviceGatewayOptions options)
    {
        endpoint.Name = options.CallQueue;
        endpoint.PrefetchCount = 64;
        endpoint.ConcurrentMessageLimit = 64;
    }

    public static WebApplication MapDeviceGateway(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.MapMqtt(WebSocketPath);
        var services = app.Services;
        app.UseMqttServer(server =>
        {
            services.GetRequiredService<ConnectionAuthenticator>().Attach(server);
            services.GetRequiredService<ConnectionTracker>().Attach(server);
            services.GetRequiredService<SubscriptionAuthorizer>().Attach(server);
            services.GetRequiredService<DevicePublishHandler>().Attach(server);
        });
        var devices = services.GetRequiredService<ConnectedDevices>();
        GatewayMetrics.ObserveConnections(() => devices.Count);
        var options = services.GetRequiredService<DeviceGatewayOptions>();
        app.Logger.LogInformation("Device gateway {Instance}: MQTT over TLS on port {Port}, WebSocket at {Path}; calls on queue {Queue}",
            options.InstanceId, options.MqttPort, WebSocketPath, options.CallQueue);
        return app;
    }
}
