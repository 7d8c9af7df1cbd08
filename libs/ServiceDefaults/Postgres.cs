using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace IotHubJobs.ServiceDefaults;

public static class Postgres
{
    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("postgres")
        ?? throw new InvalidOperationException("ConnectionStrings:postgres is not configured");

    /// <summary>One pooled data source per process, and a readiness check that proves the database answers.</summary>
    public static IHostApplicationBuilder AddPostgres(this IHostApplicationBuilder builder)
    {
        builder.Services.AddNpgsqlDataSourceCore(ConnectionString(builder.Configuration));
        builder.Services.AddHostedService<Database.DatabaseSchema>();
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"]);
        return builder;
    }

    private static IServiceCollection AddNpgsqlDataSourceCore(this IServiceCollection services, string connectionString) =>
        services.AddSingleton(_ =>
        {
            var csb = new NpgsqlConnectionStringBuilder(connectionString);
            if (csb.Timeout > 5) csb.Timeout = 5; // fail fast while the database is away instead of hanging requests
            return new NpgsqlDataSourceBuilder(csb.ConnectionString).Build();
        });

    private sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                await using var cmd = dataSource.CreateCommand("select 1");
                await cmd.ExecuteScalarAsync(ct);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not answer", e);
            }
        }
    }
}
