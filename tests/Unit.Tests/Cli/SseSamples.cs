namespace Unit.Tests.Cli;

/// <summary>
/// Sample event streams and the events they must give, read by both parsers: the command line's
/// (cli/Progress/ServerSentEventReader.cs, <see cref="ServerSentEventReaderSpecs"/>) and the dashboard's
/// (gateway/Dashboard/site/js/sse.js, tests/Integration.Tests/Dashboard/DashboardScriptSpecs.cs, in a real browser).
/// A stream comes in chunks, cut where a network could cut it.
/// </summary>
public static class SseSamples
{
    public sealed record Expected(string Type, string Data, string? Id);

    public sealed record Sample(string Name, string[] Chunks, Expected[] Events, string? LastEventId = null);

    public static readonly Sample[] All =
    [
        new("a job's progress and its end, as docs/events.md shows them",
            ["id: 41\nevent: job.progress\ndata: {\"jobId\":\"j1\",\"status\":\"running\",\"deviceJobStatistics\":{\"deviceCount\":10,\"succeededCount\":4}}\n\n",
             "id: 42\nevent: job.completed\ndata: {\"jobId\":\"j1\",\"status\":\"completed\"}\n\n"],
            [new("job.progress", "{\"jobId\":\"j1\",\"status\":\"running\",\"deviceJobStatistics\":{\"deviceCount\":10,\"succeededCount\":4}}", "41"),
             new("job.completed", "{\"jobId\":\"j1\",\"status\":\"completed\"}", "42")],
            "42"),
        new("data lines join with a line feed; no event name means message",
            ["data: first\ndata: second\n\n"],
            [new("message", "first\nsecond", null)]),
        new("comments (keep-alives), unknown fields and a retry are not events",
            [": keep-alive\n\n", "retry: 3000\nfoo: bar\n\n", "data: x\n\n"],
            [new("message", "x", null)]),
        new("CRLF and CR line ends, also when a chunk ends between CR and LF",
            ["event: a\r\ndata: 1\r", "\n\r\n", "event: b\rdata: 2\r\r"],
            [new("a", "1", null), new("b", "2", null)]),
        new("a chunk may end in the middle of a field",
            ["id: 7\nda", "ta: {\"status\":\"run", "ning\"}\n", "\n"],
            [new("message", "{\"status\":\"running\"}", "7")],
            "7"),
        new("the last id stays for later events that carry none; an empty id clears it",
            ["id: 5\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"],
            [new("message", "a", "5"), new("message", "b", "5"), new("message", "c", "")],
            ""),
        new("only one space after the colon is dropped; a field without a colon has an empty value",
            ["data:  two spaces\ndata\n\n"],
            [new("message", " two spaces\n", null)]),
        new("an event without data is not dispatched, and a stream that ends mid-event drops it",
            ["event: empty\n\n", "data: kept\n\n", "data: cut off"],
            [new("message", "kept", null)]),
    ];
}
