namespace JobsApi.Webhooks;

/// <summary>
/// How one POST ended. The receiver's body is never read: only its status code and one of a few fixed reasons are kept
/// (docs/events.md, "Safety").
/// </summary>
public sealed record DeliveryResult(bool Delivered, int? StatusCode, string? Reason)
{
    public const string Timeout = "timeout";
    public const string ConnectionFailed = "connection failed";
    public const string AddressNotAllowed = "address not allowed";
    public const string RedirectNotFollowed = "redirect not followed";

    public static DeliveryResult Status(int code) => code is >= 200 and < 300
        ? new DeliveryResult(true, code, null)
        : new DeliveryResult(false, code, code is >= 300 and < 400 ? RedirectNotFollowed : $"status {code}");

    public static DeliveryResult Failure(string reason) => new(false, null, reason);
}
