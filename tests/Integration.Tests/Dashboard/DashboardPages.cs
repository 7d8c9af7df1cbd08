using Integration.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Integration.Tests.Dashboard;

/// <summary>What the dashboard specs do on a page, in the words a person would use, and where screenshots go.</summary>
public static class DashboardPages
{
    /// <summary>
    /// Screenshots for docs/screenshots (scripts/screenshots.sh sets <c>IOTHUB_SCREENSHOTS_DIR</c>); without it they go
    /// to the run's folder, where a failed spec's last picture helps.
    /// </summary>
    public static async Task ScreenshotAsync(this IPage page, SystemUnderTest system, string name)
    {
        var folder = Environment.GetEnvironmentVariable("IOTHUB_SCREENSHOTS_DIR") is { Length: > 0 } configured
            ? configured
            : Path.Combine(system.RunDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true, Animations = ScreenshotAnimations.Disabled });
    }

    public static string ConnectionString(SystemUnderTest system, string? key = null) =>
        $"HostName=localhost:{system.GatewayPort};SharedAccessKeyName=iothubowner;SharedAccessKey={key ?? system.PolicyKeys["iothubowner"]}";

    public static async Task SignInAsync(this IPage page, string credentials)
    {
        await page.GetByLabel("Connection string or SAS token").FillAsync(credentials);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Opens the dashboard at <paramref name="hash"/>, signed in as iothubowner.</summary>
    public static async Task<IPage> OpenSignedInAsync(this DashboardBrowser browser, SystemUnderTest system, string hash)
    {
        var page = await browser.OpenAsync(system, hash);
        await page.SignInAsync(ConnectionString(system));
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        return page;
    }

    public static ILocator Heading(this IPage page, string name) =>
        page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 });

    /// <summary>The value shown under a label of the progress panel (Devices, Succeeded, Failed, …).</summary>
    public static ILocator Number(this IPage page, string name) =>
        page.Locator($".numbers .number-{name.ToLowerInvariant().Replace(' ', '-')} dd");

    public static ILocator DeviceResultRows(this IPage page) =>
        page.GetByRole(AriaRole.Region, new() { Name = "Device results" }).Locator("tbody tr");
}
