using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Queries;

namespace Integration.Tests.Hostile;

/// <summary>
/// Every request of the hostile corpus (hostile-requests.json) goes through the real HTTPS gateway and must get IoT
/// Hub's answer: the HTTP status, the <c>iothub-errorcode</c> header and a format-A body (docs/iothub-api.md,
/// "Errors"). Bad input must change nothing, so the database is compared before and after the whole corpus.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class HostileInputSpecs(SystemUnderTest system)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static CorpusRun? _run;

    [Fact]
    public async Task Every_hostile_request_gets_its_IoT_Hub_error()
    {
        var run = await RunOnceAsync();

        Assert.True(run.Cases.Count >= 100, $"the corpus has only {run.Cases.Count} cases");
        Assert.True(run.Mismatches.Count == 0,
            $"{run.Mismatches.Count} of {run.Cases.Count} hostile requests got the wrong answer:\n" + string.Join("\n", run.Mismatches));
    }

    [Fact]
    public async Task Hostile_corpus_leaves_the_database_unchanged()
    {
        var run = await RunOnceAsync();

        Assert.Equal(run.Before, run.After);
    }

    [Fact]
    public void Every_case_has_a_unique_name_and_an_IoT_Hub_error_code()
    {
        var cases = HostileCase.Load();

        Assert.Empty(cases.GroupBy(c => c.Name).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.All(cases, c => Assert.True(c.Expect.Status == 200 || c.Expect.ErrorCode is not null || c.Expect.BulkErrorCode is not null,
            $"{c.Name} expects an error without a code"));
    }

    private sealed record CorpusRun(IReadOnlyList<HostileCase> Cases, IReadOnlyList<string> Mismatches, DatabaseSnapshot Before, DatabaseSnapshot After);

    /// <summary>Both facts read one run of the corpus: the database check needs every request to have been sent first.</summary>
    private async Task<CorpusRun> RunOnceAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _run ??= await RunAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task<CorpusRun> RunAsync()
    {
        var cases = HostileCase.Load();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var device = "hostile-target-" + suffix;
        var missing = "hostile-missing-" + suffix;
        // The target device exists before the first snapshot, so a change to its identity or twin counts as damage.
        // Tags only: a desired change would make device-sim report it back seconds later, in the middle of the corpus.
        (await system.Hub.PutAsync($"/devices/{device}", new JsonObject())).EnsureStatus(System.Net.HttpStatusCode.OK);
        (await system.Hub.SendAsync(HttpMethod.Patch, $"/twins/{device}", JsonNode.Parse("""{"tags":{"building":"43"}}""")))
            .EnsureStatus(System.Net.HttpStatusCode.OK);

        // Nothing in the corpus may be stored, so no rows are excluded from the comparison.
        const string nothingExcluded = "\u0001";
        var before = await DatabaseSnapshot.TakeWhenQuietAsync(system.Database, nothingExcluded);
        var mismatches = new List<string>();
        foreach (var c in cases)
        {
            if (await MismatchAsync(c, device, missing) is { } mismatch) mismatches.Add($"{c.Name}: {mismatch}");
        }
        var after = await DatabaseSnapshot.TakeWhenQuietAsync(system.Database, nothingExcluded);
        return new CorpusRun(cases, mismatches, before, after);
    }

    private async Task<string?> MismatchAsync(HostileCase c, string device, string missing)
    {
        HubResponse response;
        try
        {
            response = await system.Hub.SendAsync(Request(c, device, missing));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return $"expected {c.Expect.Status} {c.Expect.ErrorCode} but the request failed: {e.GetType().Name}: {e.Message}";
        }

        var got = $"{(int)response.Status} {response.Header("iothub-errorcode")}: {Shorten(response.Text)}";
        if ((int)response.Status != c.Expect.Status) return $"expected {c.Expect.Status} {c.Expect.ErrorCode} but got {got}";
        if (c.Expect.BulkErrorCode is { } bulkCode)
            return BulkRefusal(response.Text) is { } refused && refused.Contains(bulkCode) ? null
                : $"expected a bulk result refusing with {bulkCode} but got {got}";
        if (c.Expect.ErrorCode is not { } code) return null;
        if (response.Header("iothub-errorcode") != code) return $"expected header iothub-errorcode: {code} but got {got}";
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(response.Text);
        }
        catch (System.Text.Json.JsonException)
        {
            return $"expected a format-A body but got {got}";
        }
        if ((string?)body?["Message"] is not { } message || !message.StartsWith($"ErrorCode:{code};", StringComparison.Ordinal)
            || (string?)body["ExceptionMessage"] is not { } exception || !exception.StartsWith("Tracking ID:", StringComparison.Ordinal))
            return $"expected a format-A body with ErrorCode:{code} but got {got}";
        return null;
    }

    private static IReadOnlyList<string>? BulkRefusal(string text)
    {
        try
        {
            var body = JsonNode.Parse(text);
            return (bool?)body?["isSuccessful"] == false && body["errors"] is JsonArray errors
                ? errors.Select(e => (string?)e?["errorCode"] ?? "").ToList() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private HttpRequestMessage Request(HostileCase c, string device, string missing)
    {
        var request = new HttpRequestMessage(new HttpMethod(c.Method), c.RequestPath(device, missing));
        var policy = c.Policy ?? "iothubowner";
        foreach (var header in SasDefects.Headers(c.Auth ?? SasDefects.Valid, system.Hub.HostName, policy, system.PolicyKeys))
            request.Headers.TryAddWithoutValidation("Authorization", header);
        foreach (var (name, value) in c.Headers ?? []) request.Headers.TryAddWithoutValidation(name, value);
        if (c.ExpectContinue) request.Headers.ExpectContinue = true;
        if (c.RequestBody(device, missing) is { } body)
        {
            request.Content = new ByteArrayContent(body);
            if (c.ContentType != "none")
                request.Content.Headers.TryAddWithoutValidation("Content-Type", c.ContentType ?? "application/json; charset=utf-8");
        }
        return request;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
