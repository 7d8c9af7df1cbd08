using System.Net;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Faults;

public static class Outage
{
    /// <summary>Repeats the request while it answers 503 ServiceUnavailable (for at most two minutes); then it must answer 200.</summary>
    public static async Task EventuallyAcceptedAsync(Func<Task<HubResponse>> request)
    {
        HubResponse response;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while ((response = await request()).Status == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline) await Task.Delay(200);
        response.EnsureStatus(HttpStatusCode.OK);
    }
}
