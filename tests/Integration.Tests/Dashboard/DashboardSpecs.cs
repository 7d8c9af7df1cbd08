using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Integration.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser (docs/dashboard.md) against the real system: what an operator does, by role and
/// label as a screen reader finds them, each waiting for what the page shows — never for a time. Few and quick: one
/// browser for the class, a tab per spec.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DashboardSpecs(SystemUnderTest system, DashboardBrowser browser) : IClassFixture<DashboardBrowser>
{
    static DashboardSpecs() => SetDefaultExpectTimeout(60_000);

    [Fact]
    public async Task A_wrong_key_is_refused_and_nothing_is_kept()
    {
        var page = await browser.OpenAsync(system);

        await page.SignInAsync(DashboardPages.ConnectionString(system, key: Convert.ToBase64String(new byte[32])));

        await Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "refused" }))
            .ToContainTextAsync("The hub refused these credentials (IotHubUnauthorizedAccess");
        await Expect(page.Heading("Sign in")).ToBeVisibleAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("sessionStorage.length"));
        await page.ScreenshotAsync(system, "sign-in-refused");
        Assert.Empty(browser.PageErrors);
    }

    [Fact]
    public async Task Signing_in_keeps_the_credentials_in_the_tab_only_and_shows_the_jobs_filtered_by_status_and_type()
    {
        var jobId = $"dash-list-{Guid.NewGuid():N}"[..24];
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, "tags.nobody = 'x'", startTime: DateTimeOffset.UtcNow.AddYears(5))))
            .EnsureStatus(System.Net.HttpStatusCode.OK);
        var page = await browser.OpenAsync(system);
        await page.ScreenshotAsync(system, "sign-in");

        await page.SignInAsync(DashboardPages.ConnectionString(system));

        await Expect(page.Heading("Jobs")).ToBeVisibleAsync();
        await Expect(page.GetByText("iothubowner @ localhost")).ToBeVisibleAsync();
        Assert.Equal(1, await page.EvaluateAsync<int>("sessionStorage.length"));
        Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length"));
        Assert.DoesNotContain("SharedAccessKey", page.Url);
        await page.GetByLabel("Status").SelectOptionAsync("scheduled");
        await page.GetByLabel("Type").SelectOptionAsync("scheduleDeviceMethod");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = jobId })).ToBeVisibleAsync();
        await page.GetByLabel("Status").SelectOptionAsync("completed");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = jobId })).ToHaveCountAsync(0);
        await page.GetByLabel("Status").SelectOptionAsync("");
        await page.ScreenshotAsync(system, "jobs");
        (await system.Hub.PostAsync($"/jobs/v2/{jobId}/cancel")).EnsureStatus(System.Net.HttpStatusCode.OK);
        Assert.Empty(browser.PageErrors);
    }

    [Fact]
    public async Task A_job_created_after_its_preview_is_watched_to_completion()
    {
        var run = $"dash-new-{Guid.NewGuid():N}"[..20];
        await Fleet.CreateAsync(system.Hub, run, 40, new JsonObject { ["dash"] = run, ["sim"] = new JsonObject { ["latencyMs"] = 300 } });
        var page = await browser.OpenSignedInAsync(system, "#/jobs/new");

        await page.GetByLabel("Job id").FillAsync(run);
        await page.GetByLabel("Method name").FillAsync("echo");
        await page.GetByLabel("Payload (JSON)").FillAsync("""{"from":"dashboard"}""");
        await page.GetByLabel("Devices: query condition").FillAsync($"tags.dash = '{run}'");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();

        await Expect(page.Locator(".match-count")).ToContainTextAsync("40 devices match the condition now.");
        await Expect(page.Locator(".sample")).ToContainTextAsync($"{run}-000000");
        await Expect(page.GetByText("A dry run: the hub checked this request and recorded nothing.")).ToBeVisibleAsync();
        await page.ScreenshotAsync(system, "new-job-preview");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create job for 40 devices" }).ClickAsync();

        await Expect(page.Heading($"Job {run}")).ToBeVisibleAsync();
        await Expect(page.Locator(".job-status")).ToHaveTextAsync("completed");
        await Expect(page.Number("Succeeded")).ToHaveTextAsync("40");
        await Expect(page.Number("Failed")).ToHaveTextAsync("0");
        await Expect(page.GetByRole(AriaRole.Progressbar)).ToHaveAttributeAsync("aria-valuenow", "100");
        await Expect(page.Locator(".timeline")).ToContainTextAsync("Ended (completed)");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel job…" })).ToBeHiddenAsync();
        await page.ScreenshotAsync(system, "job-completed");
        var job = (await system.Hub.GetAsync($"/jobs/v2/{run}")).Json;
        Assert.Equal("dashboard", (string?)job["cloudToDeviceMethod"]!["payload"]!["from"]);
        Assert.Empty(browser.PageErrors);
    }

    [Fact]
    public async Task Device_results_filter_by_status_and_device_id_on_the_server_and_failure_reasons_are_counted()
    {
        var run = $"dash-res-{Guid.NewGuid():N}"[..20];
        await Fleet.CreateAsync(system.Hub, run + "-ok", 5, new JsonObject { ["dash"] = run });
        await Fleet.CreateAsync(system.Hub, run + "-off", 3, new JsonObject { ["dash"] = run, ["sim"] = new JsonObject { ["offline"] = true } });
        (await system.Hub.PutAsync($"/jobs/v2/{run}", Fleet.MethodJob(run, $"tags.dash = '{run}'"))).EnsureStatus(System.Net.HttpStatusCode.OK);
        await Fleet.WaitUntilFinishedAsync(system.Hub, run);
        var page = await browser.OpenSignedInAsync(system, $"#/jobs/{run}");
        await Expect(page.DeviceResultRows()).ToHaveCountAsync(8);

        await page.GetByRole(AriaRole.Region, new() { Name = "Device results" }).GetByLabel("Status").SelectOptionAsync("failed");

        await Expect(page.DeviceResultRows()).ToHaveCountAsync(3);
        await Expect(page.DeviceResultRows().Filter(new() { HasText = "DeviceNotOnline" })).ToHaveCountAsync(3);
        await page.GetByLabel("Device id starts with").FillAsync($"{run}-off-000001");
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Expect(page.DeviceResultRows()).ToHaveCountAsync(1);
        await Expect(page.DeviceResultRows().First).ToContainTextAsync($"{run}-off-000001");
        var reasons = page.GetByRole(AriaRole.Region, new() { Name = "Failure reasons" });
        await Expect(reasons.GetByRole(AriaRole.Row, new() { Name = "DeviceNotOnline 3" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(system, "job-device-results");
        Assert.Empty(browser.PageErrors);
    }

    [Fact]
    public async Task A_scheduled_job_is_cancelled_after_confirmation_and_never_starts()
    {
        var run = $"dash-can-{Guid.NewGuid():N}"[..20];
        (await system.Hub.PutAsync($"/jobs/v2/{run}", Fleet.MethodJob(run, "*", startTime: DateTimeOffset.UtcNow.AddYears(3))))
            .EnsureStatus(System.Net.HttpStatusCode.OK);
        var page = await browser.OpenSignedInAsync(system, $"#/jobs/{run}");
        await Expect(page.Locator(".job-status")).ToHaveTextAsync("scheduled");

        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel job…" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"Cancel job {run}?" });
        await Expect(dialog).ToBeVisibleAsync();
        await page.ScreenshotAsync(system, "job-cancel-confirmation");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel the job" }).ClickAsync();

        await Expect(page.Locator(".job-status")).ToHaveTextAsync("cancelled");
        await Expect(page.Locator(".timeline")).ToContainTextAsync("Startednever");
        Assert.Equal("cancelled", (string?)(await system.Hub.GetAsync($"/jobs/v2/{run}")).Json["status"]);
        Assert.Empty(browser.PageErrors);
    }

    [Fact]
    public async Task The_devices_page_runs_a_query_and_opens_a_twin()
    {
        var run = $"dash-dev-{Guid.NewGuid():N}"[..20];
        await Fleet.CreateAsync(system.Hub, run, 3, new JsonObject { ["dash"] = run, ["floor"] = "7" });
        var page = await browser.OpenSignedInAsync(system, "#/devices");

        await page.GetByLabel("Query", new() { Exact = true }).FillAsync($"SELECT * FROM devices WHERE tags.dash = '{run}'");
        await page.GetByRole(AriaRole.Button, new() { Name = "Run query" }).ClickAsync();

        var rows = page.Locator(".query-results tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        await page.ScreenshotAsync(system, "devices");
        await page.GetByRole(AriaRole.Link, new() { Name = $"{run}-000002" }).ClickAsync();
        await Expect(page.Heading($"Device {run}-000002")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Tags" })).ToContainTextAsync("\"floor\": \"7\"");
        await page.ScreenshotAsync(system, "device-twin");
        await page.GetByRole(AriaRole.Link, new() { Name = "Devices" }).First.ClickAsync();
        await page.GetByLabel("Query", new() { Exact = true }).FillAsync($"SELECT COUNT() AS n FROM devices WHERE tags.dash = '{run}'");
        await page.GetByLabel("Query", new() { Exact = true }).PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter"); // the keyboard alone: from the query box to the button
        await Expect(page.Locator(".query-results tbody")).ToHaveTextAsync("3");
        Assert.Empty(browser.PageErrors);
    }
}
