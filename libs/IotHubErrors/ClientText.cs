namespace IotHubJobs.IotHubErrors;

/// <summary>
/// Client input echoed in an error message, bounded: a path, header, query or body can hold anything, and error text
/// ends up in logs and tickets (docs/iothub-api.md, "Errors").
/// </summary>
public static class ClientText
{
    public const string Ellipsis = "…";

    /// <summary>
    /// <paramref name="text"/> itself when it has at most <paramref name="max"/> characters; otherwise its first
    /// <paramref name="max"/> characters followed by <paramref name="marker"/>.
    /// </summary>
    public static string Shorten(string text, int max, string marker = Ellipsis) =>
        text.Length <= max ? text : text[..max] + marker;
}
