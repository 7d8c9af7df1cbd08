using IotHubJobs.Cli.Progress;

namespace Unit.Tests.Cli;

/// <summary>The command line's event-stream parser against the shared samples (<see cref="SseSamples"/>).</summary>
public sealed class ServerSentEventReaderSpecs
{
    public static TheoryData<string> Samples() => new(SseSamples.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Reads_the_sample_stream_as_the_standard_says(string name)
    {
        var sample = SseSamples.All.Single(s => s.Name == name);
        var reader = new ServerSentEventReader(new StringReader(string.Concat(sample.Chunks)));

        var events = new List<ServerSentEvent>();
        await foreach (var e in reader.ReadAllAsync()) events.Add(e);

        Assert.Equal(sample.Events.Select(e => new ServerSentEvent(e.Type, e.Data, e.Id)), events);
        Assert.Equal(sample.LastEventId, reader.LastEventId);
    }

    [Fact]
    public async Task A_retry_field_sets_the_reconnection_delay()
    {
        var reader = new ServerSentEventReader(new StringReader("retry: 2500\n\nretry: soon\n\n"));
        await foreach (var _ in reader.ReadAllAsync()) { }
        Assert.Equal(TimeSpan.FromMilliseconds(2500), reader.Retry);
    }
}
