using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using IotHubJobs.Security;

namespace Integration.Tests.Gateway;

/// <summary>
/// A request with a valid token whose method and path name no operation gets 404 GenericNotFound in IoT Hub's error
/// format; without a valid token it gets 401 whatever the path, so routes are not revealed to strangers
/// (gateway/README.md, "Unknown operations"). The request targets are sent raw, so the gateway itself resolves the dot
/// segments and escapes in them.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class UnknownOperationSpecs(SystemUnderTest system)
{
    public static TheoryData<string, string> UnknownRoutes => new()
    {
        { "PUT", "/devices/.." },
        { "PUT", "/devices/%2E%2E" },
        { "PUT", "/devices/%2e%2e/" },
        { "GET", "/jobs/v2/" },
        { "PUT", "/jobs/v2/../unknown-route-job" },
        { "GET", "/jobs/v2/a/../../secret-looking-path" },
        { "DELETE", "/twins/unknown-route-device" },
        { "GET", "/nothing-here/.env" },
        { "OPTIONS", "/jobs/v2/query" },
    };

    [Theory]
    [MemberData(nameof(UnknownRoutes))]
    public async Task Unknown_route_answers_404_with_an_IotHub_error_code(string method, string path)
    {
        var answer = await RawHttps.SendAsync(system, method, $"{path}?api-version={HubClient.ApiVersion}", system.Hub.Token(),
            method is "PUT" ? "{}" : null);

        Assert.Equal(404, answer.Status);
        Assert.Equal("GenericNotFound", answer.Headers["iothub-errorcode"]);
        Assert.Equal("application/json; charset=utf-8", answer.Headers["Content-Type"]);
        var body = JsonNode.Parse(answer.Body)!;
        Assert.Equal("ErrorCode:GenericNotFound;No operation of this service matches the request's method and path.", (string?)body["Message"]);
        Assert.StartsWith("Tracking ID:", (string?)body["ExceptionMessage"]);
    }

    [Theory]
    [MemberData(nameof(UnknownRoutes))]
    public async Task Unknown_route_answer_echoes_nothing_of_the_request_and_names_no_server(string method, string path)
    {
        var marker = "sig=" + Guid.NewGuid().ToString("N");
        var answer = await RawHttps.SendAsync(system, method, $"{path}/{marker}?api-version={HubClient.ApiVersion}&{marker}", system.Hub.Token(),
            method is "PUT" ? $"{{\"{marker}\":1}}" : null);

        Assert.Equal(404, answer.Status);
        Assert.DoesNotContain(marker, answer.Raw);
        Assert.DoesNotContain("127.0.0.1", answer.Raw);
        Assert.DoesNotContain("Exception", answer.Body.Replace("ExceptionMessage", ""));
        Assert.False(answer.Headers.ContainsKey("Server"), "the answer names the server software");
        Assert.Equal("nosniff", answer.Headers["X-Content-Type-Options"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("SharedAccessSignature sr=localhost&sig=AAAA&se=9999999999&skn=iothubowner")]
    public async Task Unknown_route_without_a_valid_token_answers_401_first(string? authorization)
    {
        var answer = await RawHttps.SendAsync(system, "PUT", $"/devices/..?api-version={HubClient.ApiVersion}", authorization, "{}");

        Assert.Equal(401, answer.Status);
        Assert.Equal("IotHubUnauthorizedAccess", answer.Headers["iothub-errorcode"]);
    }

    [Fact]
    public async Task Dot_segments_resolving_to_an_operation_need_that_operations_right()
    {
        var deviceId = $"traversal-{Guid.NewGuid():N}";
        var serviceToken = SharedAccessSignatureBuilder.Create("localhost", "service", system.PolicyKeys["service"], DateTimeOffset.UtcNow.AddHours(1));

        var answer = await RawHttps.SendAsync(system, "PUT", $"/jobs/v2/../../devices/{deviceId}?api-version={HubClient.ApiVersion}", serviceToken, "{}");

        Assert.Equal(401, answer.Status); // creating a device needs RegistryWrite, which the service policy lacks
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/devices/{deviceId}")).Status);
    }

    [Theory]
    [InlineData("DELETE", "/twins/some-device")]
    [InlineData("GET", "/devices/some-device/modules/m1.json")]
    public async Task Jobs_api_answers_a_request_it_has_no_operation_for_with_the_same_404(string method, string path)
    {
        using var http = new HttpClient { BaseAddress = system.ServiceUrl("jobs-api") };

        using var answer = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Equal("GenericNotFound", answer.Headers.GetValues("iothub-errorcode").Single());
        Assert.StartsWith("ErrorCode:GenericNotFound;", (string?)JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["Message"]);
    }
}
