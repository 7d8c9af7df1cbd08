using Integration.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Integration.Tests.Dashboard;

/// <summary>
/// A real headless Chromium for the dashboard specs: Debian's <c>chromium</c> package at <c>/usr/bin/chromium</c>
/// (scripts/infra.sh installs it; Playwright's own browser download is never used), driven by Playwright for .NET,
/// with a fresh profile per test run. The browser ignores HTTPS errors: the fixture's gateway has a certificate of the
/// run's own development CA, which only this test browser is told to accept.
/// </summary>
public sealed class DashboardBrowser : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private string _profile = "";

    public IBrowserContext Context { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium package (./test.sh does)");
        _profile = Path.Combine(Path.GetTempPath(), "iothub-dashboard-" + Guid.NewGuid().ToString("N")[..12]);
        _playwright = await Playwright.CreateAsync();
        Context = await _playwright.Chromium.LaunchPersistentContextAsync(_profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        Context.SetDefaultTimeout(60_000);
    }

    /// <summary>A new tab (its own sessionStorage, so nobody is signed in) on the dashboard.</summary>
    public async Task<IPage> OpenAsync(SystemUnderTest system, string hash = "")
    {
        var page = await Context.NewPageAsync();
        page.PageError += (_, error) => PageErrors.Add(error);
        await page.GotoAsync($"https://localhost:{system.GatewayPort}/dashboard/{hash}");
        return page;
    }

    /// <summary>Uncaught script errors of every page, which no spec expects.</summary>
    public List<string> PageErrors { get; } = [];

    public async Task DisposeAsync()
    {
        if (Context is not null) await Context.CloseAsync();
        _playwright?.Dispose();
        try
        {
            if (_profile.Length > 0) Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // the browser may still hold a lock file for a moment; the profile is in the temp folder anyway
        }
    }
}
