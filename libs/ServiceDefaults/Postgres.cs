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

    /// <summary>
    /// One pooled data source per process, a readiness check that proves the database answers, and the schemas of the
    /// table owners the service uses (<see cref="AddSchema"/>), created before anything runs.
    /// </summary>
    public static IHostApplicationBuilder AddPostgres(this IHostApplicationBuilder builder)
    {
        builder.Services.AddNpgsqlDataSourceCore(ConnectionString(builder.Configuration));
        builder.Services.AddHostedService<Database.DatabaseSchema>();
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"]);
        return builder;
    }

    /// <summary>This service uses the tables of <paramref name="owner"/>, whose DDL is its embedded <paramref name="fileName"/>.</summary>
    public static IHostApplicationBuilder AddSchema(this IHostApplicationBuilder builder, System.Reflection.Assembly owner, string fileName)
    {
        builder.Services.AddSingleton(Database.SchemaScript.Embedded(owner, fileName));
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
