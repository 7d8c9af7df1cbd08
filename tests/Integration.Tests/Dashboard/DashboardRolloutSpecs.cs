using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Integration.Tests.Dashboard;

/// <summary>
/// Rollouts in the dashboard (docs/dashboard.md, "Job" and "New job") in a real browser against the real system: the
/// new-job form's preview is the hub's dry run with the wave plan, and the job page shows the wave that waits for
/// approval and pauses, resumes and approves after confirmation. The next wave waits for an approval only the spec
/// gives, so what the page shows never depends on how fast the machine is.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DashboardRolloutSpecs(SystemUnderTest system, DashboardBrowser browser) : IClassFixture<DashboardBrowser>
{
    static DashboardRolloutSpecs() => SetDefaultExpectTimeout(60_000);

    [Fact]
    public async Task A_rollout_previewed_with_its_waves_waits_for_approval_and_is_paused_resumed_and_approved_after_confirmation()
    {
        var run = $"dash-roll-{Guid.NewGuid():N}"[..20];
        await Fleet.CreateAsync(system.Hub, run, 6, new JsonObject { ["dash"] = run });
        var page = await browser.OpenSignedInAsync(system, "#/jobs/new");
        await page.GetByLabel("Job id").FillAsync(run);
        await page.GetByLabel("Devices: query condition").FillAsync($"tags.dash = '{run}'");
        await page.GetByLabel("Rollout (JSON object)").FillAsync("""{"waves":[{"count":2,"requiresApproval":true}]}""");

        await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();

        await Expect(page.Locator(".match-count")).ToContainTextAsync("6 devices match the condition now.");
        var waves = page.GetByRole(AriaRole.Table, new() { Name = "Waves" }).Locator("tbody tr");
        await Expect(waves).ToHaveCountAsync(2);
        await Expect(waves.Nth(0)).ToContainTextAsync("required");
        await Expect(waves.Nth(1)).ToContainTextAsync("4");
        await Expect(page.Locator(".estimate")).ToContainTextAsync("no rate set");
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/jobs/v2/{run}")).Status);
        await page.ScreenshotAsync(system, "new-job-rollout-preview");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create job for 6 devices" }).ClickAsync();

        await Expect(page.Heading($"Job {run}")).ToBeVisibleAsync();
        var rollout = page.GetByRole(AriaRole.Region, new() { Name = "Rollout" });
        // The first wave's devices run before anything else shows: a guard of three minutes, not a measure of speed.
        await Expect(rollout).ToContainTextAsync("Wave 1 finished: the next wave waits for approval.", new() { Timeout = 180_000 });
        await Expect(rollout.Locator(".rollout-wave")).ToHaveTextAsync("1 of 2");
        await Expect(page.Number("Succeeded")).ToHaveTextAsync("2");

        await page.GetByRole(AriaRole.Button, new() { Name = "Pause…" }).ClickAsync();
        var pause = page.GetByRole(AriaRole.Dialog, new() { Name = $"Pause job {run}?" });
        await Expect(pause).ToBeVisibleAsync();
        await pause.GetByRole(AriaRole.Button, new() { Name = "Pause the job" }).ClickAsync();
        await Expect(page.Locator(".job-status")).ToHaveTextAsync("paused");
        await Expect(rollout).ToContainTextAsync("Paused: no device is called until the job is resumed.");
        Assert.Equal("paused", (string?)(await system.Hub.GetAsync($"/jobs/v2/{run}")).Json["status"]);
        await page.ScreenshotAsync(system, "job-rollout-paused");

        await page.GetByRole(AriaRole.Button, new() { Name = "Resume…" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog, new() { Name = $"Resume job {run}?" })
            .GetByRole(AriaRole.Button, new() { Name = "Resume the job" }).ClickAsync();
        await Expect(page.Locator(".job-status")).ToHaveTextAsync("running");
        await Expect(rollout).ToContainTextAsync("the next wave waits for approval");
        await page.ScreenshotAsync(system, "job-awaiting-approval");

        await page.GetByRole(AriaRole.Button, new() { Name = "Approve next wave…" }).ClickAsync();
        var approve = page.GetByRole(AriaRole.Dialog, new() { Name = $"Approve the next wave of {run}?" });
        await Expect(approve).ToContainTextAsync("Wave 2 of 2 starts");
        await approve.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(page.Locator(".job-status")).ToHaveTextAsync("completed", new() { Timeout = 180_000 });
        await Expect(page.Number("Succeeded")).ToHaveTextAsync("6");
        await Expect(rollout.Locator(".rollout-wave")).ToHaveTextAsync("2 of 2");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Approve next wave…" })).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pause…" })).ToBeHiddenAsync();
        var job = (await system.Hub.GetAsync($"/jobs/v2/{run}")).Json;
        Assert.Equal(6, (int)job["deviceJobStatistics"]!["succeededCount"]!);
        Assert.Empty(browser.PageErrors);
    }
}
