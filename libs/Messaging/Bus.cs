using System.Text.Json.Serialization;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IotHubJobs.Messaging;

public static class Bus
{
    /// <summary>MassTransit over RabbitMQ, configured the same way in every service.</summary>
    public static IHostApplicationBuilder AddBus(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator> configure)
    {
        var uri = builder.Configuration.GetConnectionString("rabbitmq")
                  ?? throw new InvalidOperationException("ConnectionStrings:rabbitmq is not configured");
        var clusterNodes = ClusterNodes(builder.Configuration["RabbitMq:ClusterNodes"]);
        builder.Services.AddMassTransit(x =>
        {
            x.DisableUsageTelemetry();
            x.SetKebabCaseEndpointNameFormatter();
            configure(x);
            // Every consumer's queue is a quorum queue: replicated on a cluster's nodes (every node of it, up to the
            // majority RabbitMQ needs), so that a node's crash loses no message it confirmed (docs/scaling.md).
            x.AddRabbitMqConfigureEndpointsCallback((_, _, endpoint) => endpoint.SetQuorumQueue());
            x.UsingRabbitMq((ctx, cfg) =>
            {
                cfg.Host(new Uri(uri), h =>
                {
                    // Every publish and send waits for the broker's confirm: a quorum queue confirms once a majority has it.
                    h.PublisherConfirmation = true;
                    // A cluster: connect to any node that answers, and to the next one when it goes away.
                    if (clusterNodes.Length > 0) h.UseCluster(c => { foreach (var node in clusterNodes) c.Node(node); });
                });
                // In-process retries only: delayed redelivery needs a broker plugin that Debian's RabbitMQ lacks. Quick at first
                // (a lost optimistic-concurrency race), then every 5 s for about ten minutes: while the database is away (a
                // restart, a failover) a message waits for it instead of becoming a dead letter whose device jobs fail as lost.
                cfg.UseMessageRetry(r => r.Exponential(120, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(200)));
                // Message bodies compact: MassTransit writes its JSON indented and with every null property by default; a
                // twin job's messages took 664 bytes a device through the broker that way and take 377 without, less for
                // the broker, the sockets and each service's serializer (docs/benchmarks.md, "Results ledger first;
                // compact message bodies"). A missing property reads as null, as a written null did: no contract has a
                // default other than null for a property that may be null.
                cfg.ConfigureJsonSerializerOptions(options =>
                {
                    options.WriteIndented = false;
                    options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
                    return options;
                });
                cfg.UseConsumeFilter(typeof(JobScopeFilter<>), ctx);
                cfg.ConfigureEndpoints(ctx);
            });
        });
        builder.Services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(60);
            o.StopTimeout = TimeSpan.FromSeconds(30);
            // An endpoint whose broker connection dropped restarts only once its running consumers stopped or were
            // cancelled. Consumers that finish claimed work ignore cancellation and deliver their results themselves
            // (BrokerOutage), so waiting 30 s for them only kept the endpoints, and the answers they wait for, away.
            o.ConsumerStopTimeout = TimeSpan.FromSeconds(3);
        });
        return builder;
    }

    /// <summary>"host:port,host:port" (RabbitMq__ClusterNodes, set by ./run.sh --rabbitmq-nodes N): the nodes of a cluster.</summary>
    private static string[] ClusterNodes(string? setting) =>
        (setting ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
