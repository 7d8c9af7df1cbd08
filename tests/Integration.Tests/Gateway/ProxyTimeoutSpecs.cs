using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using JobsApi.Methods;

namespace Integration.Tests.Gateway;

/// <summary>
/// A direct method may legally keep its request open for responseTimeoutInSeconds (≤ 300) + connectTimeoutInSeconds
/// (≤ 300) plus jobs-api's transport slack. The gateway's proxy timeout must outlast that, or the longest legal call
/// is cut off with the gateway's 504 before the device's answer (or IoT Hub's own 504101 from jobs-api) arrives.
/// </summary>
public sealed class ProxyTimeoutSpecs
{
    /// <summary>Room for the hop through the gateway itself and a busy machine.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    [Fact]
    public void The_gateway_proxy_timeout_outlasts_the_longest_legal_direct_method_with_a_margin()
    {
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "gateway", "appsettings.json")))!;
        var activityTimeout = TimeSpan.Parse((string)settings["ReverseProxy"]!["Clusters"]!["jobs-api"]!["HttpRequest"]!["ActivityTimeout"]!);

        Assert.Equal(TimeSpan.FromSeconds(605), InvokeDirectMethod.LongestCall);
        Assert.True(activityTimeout >= InvokeDirectMethod.LongestCall + Margin,
            $"ActivityTimeout {activityTimeout} must be at least {InvokeDirectMethod.LongestCall + Margin}");
    }

    [Fact]
    public void No_deployment_overrides_the_gateway_proxy_timeout()
    {
        foreach (var file in new[] { "compose.yaml", "run.sh", "scripts/services.sh" })
            Assert.DoesNotContain("ActivityTimeout", File.ReadAllText(Path.Combine(RepositoryRoot.Path, file)));
    }
}
