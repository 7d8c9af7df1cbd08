using DotNet.Testcontainers.Builders;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// Real PostgreSQL and RabbitMQ: the servers ./test.sh started (TEST_POSTGRES / TEST_RABBITMQ), or containers
/// when a Docker engine answers. Never in-memory stand-ins.
/// </summary>
public sealed class Infra : ITestServers
{
    private PostgreSqlContainer? _postgres;
    private RabbitMqContainer? _rabbit;

    public string Postgres { get; private set; } = "";
    public string RabbitMq { get; private set; } = "";
    public string? RabbitMqManagement { get; private set; }

    public async Task StartAsync()
    {
        Postgres = Environment.GetEnvironmentVariable("TEST_POSTGRES") ?? "";
        RabbitMq = Environment.GetEnvironmentVariable("TEST_RABBITMQ") ?? "";
        RabbitMqManagement = Environment.GetEnvironmentVariable("TEST_RABBITMQ_MANAGEMENT");
        if (Postgres != "" && RabbitMq != "") return;
        try
        {
            _postgres = new PostgreSqlBuilder("postgres:15-alpine").Build();
            _rabbit = new RabbitMqBuilder("rabbitmq:3.10-management").WithPortBinding(15672, true).Build();
            await Task.WhenAll(_postgres.StartAsync(), _rabbit.StartAsync());
            Postgres = _postgres.GetConnectionString();
            RabbitMq = _rabbit.GetConnectionString();
            RabbitMqManagement = $"http://{_rabbit.Hostname}:{_rabbit.GetMappedPublicPort(15672)}";
        }
        catch (DockerUnavailableException)
        {
            throw new InvalidOperationException(
                "No Docker engine: run the tests with ./test.sh, which starts PostgreSQL and RabbitMQ and sets TEST_POSTGRES / TEST_RABBITMQ.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        if (_rabbit is not null) await _rabbit.DisposeAsync();
    }
}
