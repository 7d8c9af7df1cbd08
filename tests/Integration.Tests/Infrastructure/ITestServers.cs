namespace Integration.Tests.Infrastructure;

/// <summary>The PostgreSQL and RabbitMQ servers a system under test runs on.</summary>
public interface ITestServers : IAsyncDisposable
{
    /// <summary>Npgsql connection string of a role allowed to CREATE DATABASE.</summary>
    string Postgres { get; }
    /// <summary>amqp:// URI with credentials.</summary>
    string RabbitMq { get; }
    /// <summary>The management API's base URL, when there is one, to give each system its own virtual host.</summary>
    string? RabbitMqManagement { get; }
    /// <summary>"host:port,..." of every node when RabbitMQ is a cluster (the services' RabbitMq__ClusterNodes), else null.</summary>
    string? RabbitMqClusterNodes => null;
    Task StartAsync();
}
