namespace IotHubJobs.Cli.Progress;

/// <summary>One event of a <c>text/event-stream</c>: its type (<c>message</c> when the stream named none), data and id.</summary>
public sealed record ServerSentEvent(string Type, string Data, string? Id);
