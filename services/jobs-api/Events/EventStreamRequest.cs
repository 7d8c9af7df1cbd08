using System.Text.RegularExpressions;
using IotHubJobs.IotHubErrors;

namespace JobsApi.Events;

/// <summary>
/// The options of an event stream request (docs/events.md, "Server-Sent Events"): where to continue
/// (<c>Last-Event-ID</c>, or <c>lastEventId</c> for clients that cannot set headers), <c>devices</c>, <c>jobIdPrefix</c>.
/// </summary>
public sealed partial record EventStreamRequest(EventPosition? LastEventId, bool Devices, string? JobIdPrefix)
{
    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex JobIdPrefixRule();

    public static (EventStreamRequest?, IotHubRefusal?) Read(HttpRequest request)
    {
        var lastEventIdText = request.Headers["Last-Event-ID"].FirstOrDefault() is { Length: > 0 } header ? header : request.Query["lastEventId"].FirstOrDefault();
        EventPosition? lastEventId = null;
        if (!string.IsNullOrEmpty(lastEventIdText))
        {
            if (!EventPosition.TryParse(lastEventIdText.Trim(), out var position))
                return Refuse("Last-Event-ID must be an event id of this hub: digits, optionally a dot and more digits (e.g. 1042 or 1042.3).");
            lastEventId = position;
        }

        var devices = false;
        if (request.Query["devices"].FirstOrDefault() is { } devicesText && !bool.TryParse(devicesText, out devices))
            return Refuse("devices must be true or false.");

        var prefix = request.Query["jobIdPrefix"].FirstOrDefault();
        if (prefix is not null && !JobIdPrefixRule().IsMatch(prefix))
            return Refuse("jobIdPrefix must be 1 to 64 US-ASCII letters, digits or '-'.");
        return (new EventStreamRequest(lastEventId, devices, prefix), null);
    }

    private static (EventStreamRequest?, IotHubRefusal?) Refuse(string message) => (null, new IotHubRefusal(IotHubError.ArgumentInvalid, message));
}
