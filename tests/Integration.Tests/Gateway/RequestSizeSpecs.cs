using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Gateway;

/// <summary>
/// The gateway refuses bodies over Gateway:MaxRequestBodyBytes (256 KiB in the fixture, the default) before anything
/// reaches jobs-api, with IoT Hub's 413 for an oversized request: 413001 MessageTooLarge (413002 TooManyDevices is
/// IoT Hub's answer to a bulk registry call with more than 100 devices — a count, not a size).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RequestSizeSpecs(SystemUnderTest system)
{
    private const int Limit = 256 * 1024;

    [Theory]
    [InlineData(Limit + 1)]
    [InlineData(4 * Limit)] // the largest body the gateway reads and discards so that a client still sending gets the 413
    public async Task A_body_over_the_limit_gets_413_MessageTooLarge_and_records_nothing(int bytes)
    {
        var jobId = $"oversized-{Guid.NewGuid():N}";
        var answer = await PutJobAsync(jobId, bytes, chunked: false);

        AssertMessageTooLarge(answer);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Status);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_gets_413_MessageTooLarge_and_records_nothing()
    {
        var jobId = $"oversized-chunked-{Guid.NewGuid():N}";
        var answer = await PutJobAsync(jobId, Limit + 1, chunked: true);

        AssertMessageTooLarge(answer);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/jobs/v2/{jobId}")).Status);
    }

    [Fact]
    public async Task A_body_of_exactly_the_limit_is_forwarded_and_recorded()
    {
        var jobId = $"at-limit-{Guid.NewGuid():N}";
        (await PutJobAsync(jobId, Limit, chunked: false)).EnsureStatus(HttpStatusCode.OK);

        await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);
    }

    private static void AssertMessageTooLarge(HubResponse answer)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, answer.Status);
        Assert.Equal("MessageTooLarge", answer.Header("iothub-errorcode"));
        Assert.StartsWith("ErrorCode:MessageTooLarge;", (string)answer.Json["Message"]!);
    }

    /// <summary>A valid job request padded with whitespace (still valid JSON) to exactly <paramref name="bytes"/> bytes.</summary>
    private Task<HubResponse> PutJobAsync(string jobId, int bytes, bool chunked)
    {
        var json = Fleet.MethodJob(jobId, $"tags.run = '{jobId}'").ToJsonString();
        var body = Encoding.UTF8.GetBytes(json + new string(' ', bytes - Encoding.UTF8.GetByteCount(json)));
        Assert.Equal(bytes, body.Length);
        return system.Hub.SendAsync(HttpMethod.Put, $"/jobs/v2/{jobId}", configure: request =>
        {
            // A stream of unknown length goes out chunked, with no Content-Length for the gateway to check up front.
            request.Content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body);
            request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        });
    }

    private sealed class UnknownLengthStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
