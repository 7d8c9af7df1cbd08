using IotHubJobs.Security;

namespace Gateway.Auth;

public static class SasAuthentication
{
    /// <summary>Tells jobs-api which policy a forwarded request proved; clients cannot set it.</summary>
    public const string PolicyHeader = "x-iothub-policy";

    /// <summary>Loads <c>IotHub:PoliciesFile</c> at start (a missing or broken file stops the gateway).</summary>
    public static WebApplicationBuilder AddSasAuthentication(this WebApplicationBuilder builder)
    {
        var file = builder.Configuration["IotHub:PoliciesFile"];
        if (string.IsNullOrWhiteSpace(file))
            throw new InvalidOperationException("IotHub:PoliciesFile is not configured (the shared access policies JSON file).");
        var policies = SharedAccessPolicySet.Load(file);
        var hostName = builder.Configuration.HubHostName();
        builder.Services.AddSingleton(policies);
        builder.Services.AddSingleton(sp => new SharedAccessSignatureValidator(hostName, policies, sp.GetRequiredService<TimeProvider>()));
        return builder;
    }

    public static IApplicationBuilder UseSasAuthentication(this IApplicationBuilder app) =>
        app.UseMiddleware<SasAuthenticationMiddleware>();

    /// <summary><c>IotHub:HostName</c>, the audience tokens must name; <c>localhost</c> by default.</summary>
    public static string HubHostName(this IConfiguration configuration) =>
        configuration["IotHub:HostName"] is { Length: > 0 } host ? host.Trim() : "localhost";
}
