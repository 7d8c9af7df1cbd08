using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using Integration.Tests.Queries;

namespace Integration.Tests.Methods;

/// <summary>
/// <c>POST /twins/{id}/methods</c> through the gateway, against device-sim's steerable devices (docs/iothub-api.md,
/// "Direct methods").
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DirectMethodSpecs(SystemUnderTest system)
{
    [Fact]
    public async Task Echo_answers_200_with_the_device_status_and_the_payload_echoed_after_exactly_one_execution()
    {
        var device = await DeviceAsync(new JsonObject());
        var payload = JsonNode.Parse("""{"hello":"world","n":[1,2.5,null],"nested":{"ok":true}}""")!;

        var response = await InvokeAsync(device, new JsonObject { ["methodName"] = "echo", ["payload"] = payload.DeepClone(), ["responseTimeoutInSeconds"] = 10 });

        response.EnsureStatus(HttpStatusCode.OK);
        Assert.Equal("application/json; charset=utf-8", response.ContentType?.ToString());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["status"] = 200, ["payload"] = payload }, response.Json), response.Text);
        Assert.Equal(1, await Ledger.ExecutionsOutsideJobsAsync(system, device));
    }

    [Fact]
    public async Task A_device_answering_an_error_status_is_still_a_200_carrying_that_status()
    {
        var device = await DeviceAsync(new JsonObject { ["methodStatus"] = 503 });

        var response = (await InvokeAsync(device, new JsonObject { ["methodName"] = "reboot" })).EnsureStatus(HttpStatusCode.OK);

        Assert.Equal("""{"status":503,"payload":{"rebooted":true}}""", response.Json.ToJsonString());
    }

    [Fact]
    public async Task Offline_device_answers_404103_DeviceNotOnline_in_the_direct_method_error_format()
    {
        var device = await DeviceAsync(new JsonObject { ["offline"] = true });

        var response = await InvokeAsync(device, new JsonObject { ["methodName"] = "reboot", ["payload"] = null, ["responseTimeoutInSeconds"] = 5 });

        var error = AssertDirectMethodError(response, HttpStatusCode.NotFound, "DeviceNotOnline", 404103);
        Assert.Equal("Timed out waiting for device to connect.", (string?)error["message"]);
        Assert.Equal("00:00:00", (string?)error["info"]!["timeout"]);
        Assert.Equal(0, await Ledger.ExecutionsOutsideJobsAsync(system, device));
    }

    [Fact]
    public async Task Slow_device_answers_504101_GatewayTimeout_after_the_response_timeout()
    {
        var device = await DeviceAsync(new JsonObject { ["latencyMs"] = 15_000 });
        var clock = Stopwatch.StartNew();

        var response = await InvokeAsync(device, new JsonObject { ["methodName"] = "reboot", ["responseTimeoutInSeconds"] = 5 });

        var error = AssertDirectMethodError(response, HttpStatusCode.GatewayTimeout, "GatewayTimeout", 504101);
        Assert.Equal("Timed out waiting for the response from device.", (string?)error["message"]);
        // Not before the response timeout. Not by waiting for the device either, which the code already shows: the device's
        // answer (after 15 s) would come after jobs-api gave up on the call (5 s + DeviceCallClient.ReplyMargin), as 504102.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(4.5), $"answered after {clock.Elapsed.TotalSeconds:F1} s, before the 5 s response timeout");
    }

    [Fact]
    public async Task A_device_that_connects_late_is_reached_only_within_the_connect_timeout()
    {
        var device = await DeviceAsync(new JsonObject { ["connectDelaySeconds"] = 1 });

        var tooShort = await InvokeAsync(device, new JsonObject { ["methodName"] = "reboot", ["connectTimeoutInSeconds"] = 0 });
        var longEnough = await InvokeAsync(device, new JsonObject { ["methodName"] = "reboot", ["connectTimeoutInSeconds"] = 5 });

        AssertDirectMethodError(tooShort, HttpStatusCode.NotFound, "DeviceNotOnline", 404103);
        longEnough.EnsureStatus(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unknown_device_answers_404_DeviceNotFound()
    {
        var response = await InvokeAsync($"nobody-{Guid.NewGuid():N}", new JsonObject { ["methodName"] = "reboot" });

        DeviceQuery.AssertError(response, HttpStatusCode.NotFound, "DeviceNotFound");
    }

    [Theory]
    [InlineData("""{"payload":{}}""", 400, "ArgumentInvalid")]
    [InlineData("""{"methodName":"re boot"}""", 400, "ArgumentInvalid")]
    [InlineData("""{"methodName":"a$b"}""", 400, "ArgumentInvalid")]
    [InlineData("""{"methodName":42}""", 400, "ArgumentInvalid")]
    [InlineData("""{"methodName":"reboot","responseTimeoutInSeconds":4}""", 400, "ArgumentInvalid")]
    [InlineData("""{"methodName":"reboot","responseTimeoutInSeconds":301}""", 400, "ArgumentInvalid")]
    [InlineData("""{"methodName":"reboot","responseTimeoutInSeconds":"30"}""", 400, "ArgumentInvalid")]
    [InlineData("""{"methodName":"reboot","connectTimeoutInSeconds":301}""", 400, "ArgumentInvalid")]
    [InlineData("""{"methodName":"reboot","connectTimeoutInSeconds":-1}""", 400, "ArgumentInvalid")]
    [InlineData("""[{"methodName":"reboot"}]""", 400, "ArgumentInvalid")]
    [InlineData("""{"methodName":"reboot",""", 400, "IotHubFormatError")]
    public async Task Invalid_request_is_refused_before_any_device_is_called(string body, int status, string code)
    {
        var device = await DeviceAsync(new JsonObject());

        var response = await system.Hub.SendAsync(HttpMethod.Post, $"/twins/{device}/methods", null,
            r => r.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        DeviceQuery.AssertError(response, (HttpStatusCode)status, code);
        Assert.Equal(0, await Ledger.ExecutionsOutsideJobsAsync(system, device));
    }

    [Fact]
    public async Task Payload_over_128_KB_is_refused_with_413_and_one_just_under_is_echoed()
    {
        var device = await DeviceAsync(new JsonObject());
        const int limit = 128 * 1024;

        var tooLarge = await InvokeAsync(device, new JsonObject { ["methodName"] = "echo", ["payload"] = new string('x', limit - 1) });
        var fits = await InvokeAsync(device, new JsonObject { ["methodName"] = "echo", ["payload"] = new string('x', limit - 2) });

        DeviceQuery.AssertError(tooLarge, HttpStatusCode.RequestEntityTooLarge, "MessageTooLarge");
        Assert.Equal(limit - 2, ((string)fits.EnsureStatus(HttpStatusCode.OK).Json["payload"]!).Length);
    }

    private async Task<string> DeviceAsync(JsonObject sim)
    {
        var ids = await Fleet.CreateAsync(system.Hub, $"dm-{Guid.NewGuid():N}"[..15], 1, new JsonObject { ["sim"] = sim });
        return ids[0];
    }

    private Task<HubResponse> InvokeAsync(string deviceId, JsonObject body) =>
        system.Hub.PostAsync($"/twins/{Uri.EscapeDataString(deviceId)}/methods", body);

    /// <summary>
    /// Format B: the Message property is itself JSON with the numeric code (docs/iothub-api.md, "Errors").
    /// </summary>
    private static JsonNode AssertDirectMethodError(HubResponse response, HttpStatusCode status, string code, int number)
    {
        Assert.True(response.Status == status, $"expected {(int)status} but got {(int)response.Status}: {response.Text}");
        Assert.Equal(code, response.Header("iothub-errorcode"));
        Assert.Equal("", (string?)response.Json["ExceptionMessage"]);
        var error = JsonNode.Parse((string)response.Json["Message"]!)!;
        Assert.Equal(number, (int)error["errorCode"]!);
        Assert.False(string.IsNullOrEmpty((string?)error["trackingId"]));
        Assert.False(string.IsNullOrEmpty((string?)error["timestampUtc"]));
        return error;
    }
}
