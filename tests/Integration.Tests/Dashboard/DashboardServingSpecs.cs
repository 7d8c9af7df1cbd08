using System.Net;
using System.Text.RegularExpressions;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Dashboard;

/// <summary>
/// How the gateway serves the dashboard (gateway/Dashboard/DashboardSite.cs): static files without a token, a strict
/// Content-Security-Policy, nothing but GET — while every API path still needs its SAS token.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class DashboardServingSpecs(SystemUnderTest system)
{
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; " +
        "base-uri 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types 'none'";

    [Fact]
    public async Task The_page_and_its_files_are_served_without_a_token_under_a_strict_content_security_policy()
    {
        var page = (await GetAsync("/dashboard/")).EnsureStatus(HttpStatusCode.OK);
        var script = (await GetAsync("/dashboard/js/app.js")).EnsureStatus(HttpStatusCode.OK);
        var style = (await GetAsync("/dashboard/app.css")).EnsureStatus(HttpStatusCode.OK);

        Assert.Equal("text/html", page.ContentType?.MediaType);
        Assert.Contains("<script type=\"module\" src=\"js/app.js\"></script>", page.Text);
        Assert.Equal("text/javascript", script.ContentType?.MediaType);
        Assert.Equal("text/css", style.ContentType?.MediaType);
        foreach (var answer in new[] { page, script, style })
        {
            Assert.Equal(Policy, answer.Header("Content-Security-Policy"));
            Assert.Equal("DENY", answer.Header("X-Frame-Options"));
            Assert.Equal("nosniff", answer.Header("X-Content-Type-Options"));
            Assert.Equal("no-referrer", answer.Header("Referrer-Policy"));
        }
    }

    [Fact]
    public async Task Only_GET_is_served_a_missing_file_is_404_and_the_bare_path_redirects()
    {
        var post = await system.Hub.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/dashboard/") { Content = new StringContent("x") });
        var missing = await GetAsync("/dashboard/no-such-file.js");
        var bare = await Gateway.RawHttps.SendAsync(system, "GET", "/dashboard", authorization: null); // HttpClient would follow the redirect

        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.Status);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(302, bare.Status);
        Assert.Equal("/dashboard/", bare.Headers["Location"]);
    }

    [Fact]
    public async Task The_API_beside_it_still_refuses_requests_without_a_token()
    {
        var jobs = await GetAsync("/jobs/v2/query?api-version=2021-04-12");
        var lookalike = await GetAsync("/dashboardx/?api-version=2021-04-12");

        Assert.Equal(HttpStatusCode.Unauthorized, jobs.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, lookalike.Status);
    }

    /// <summary>
    /// The policy forbids inline code; the files must not need it. HTML builds nothing from strings (Trusted Types would
    /// throw), and no secret or token is ever written into a URL or the console.
    /// </summary>
    [Fact]
    public void The_files_hold_no_inline_script_or_style_and_never_write_markup_from_strings()
    {
        var site = Path.Combine(RepositoryRoot.Path, "gateway", "Dashboard", "site");
        var html = File.ReadAllText(Path.Combine(site, "index.html"));
        var scripts = Directory.GetFiles(site, "*.js", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(site, f), File.ReadAllText);

        Assert.DoesNotMatch(InlineScript(), html);
        Assert.DoesNotMatch(@"\sstyle\s*=", html);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html);
        Assert.DoesNotContain("<style", html);
        Assert.NotEmpty(scripts);
        foreach (var (name, text) in scripts)
        {
            Assert.False(Regex.IsMatch(text, @"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\("), $"{name} writes markup or code from a string");
            Assert.False(Regex.IsMatch(text, @"console\.(log|info|debug)"), $"{name} logs to the console");
            Assert.False(Regex.IsMatch(text, "localStorage|document\\.cookie"), $"{name} keeps something beyond the tab's sessionStorage");
            Assert.False(Regex.IsMatch(text, @"setAttribute\(\s*'style'"), $"{name} sets a style attribute (blocked by the policy)");
        }
    }

    private Task<HubResponse> GetAsync(string path) => system.Hub.SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
