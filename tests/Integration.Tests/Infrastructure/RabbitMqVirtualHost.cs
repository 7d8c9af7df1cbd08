using System.Net.Http.Headers;
using System.Text;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// A RabbitMQ virtual host of its own for one system under test, so two test runs on one broker (or a running
/// ./run.sh) never consume each other's messages. Made through the management API when it is available.
/// </summary>
public static class RabbitMqVirtualHost
{
    public static async Task<string> CreateAsync(string amqpUri, string? managementUrl, string name)
    {
        if (string.IsNullOrEmpty(managementUrl)) return amqpUri;
        var uri = new Uri(amqpUri);
        var userInfo = Uri.UnescapeDataString(uri.UserInfo);
        var user = userInfo.Split(':', 2)[0];
        using var http = new HttpClient { BaseAddress = new Uri(managementUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(userInfo)));
        (await http.PutAsync($"/api/vhosts/{name}", new StringContent("{}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        (await http.PutAsync($"/api/permissions/{name}/{Uri.EscapeDataString(user)}",
            new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        return new UriBuilder(uri) { Path = "/" + name }.Uri.ToString();
    }
}
