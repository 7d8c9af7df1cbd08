using System.Text.Json;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;

namespace Unit.Tests.Dispatch;

public class ResultMessagesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 3, 0, 0, TimeSpan.Zero);
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static List<DeviceJobResult> Results(int count, string? payload, string? error = null) =>
        Enumerable.Range(0, count).Select(i => new DeviceJobResult($"device-{i:D7}", error is null, Now, Now.AddMilliseconds(i),
            error is null ? 200 : null, payload, error is null ? null : "GatewayTimeout", error, int.MaxValue)).ToList();

    [Fact]
    public void Every_result_travels_once_in_order_in_parts_whose_json_stays_within_the_budget()
    {
        foreach (var results in new[]
                 {
                     Results(10_000, """{"ok":true,"uptime":12345}"""),
                     Results(3_000, """{"quote":"\"<&>'+`","text":"ünïcödé ✓ 😀"}"""),
                     Results(2_000, null, error: "The device did not answer within the method's response timeout of 30 seconds."),
                 })
        {
            var parts = ResultMessages.Of("job-1", results).ToList();

            Assert.True(parts.Count > 1);
            Assert.All(parts, p => Assert.Equal("job-1", p.JobId));
            Assert.Equal(results, parts.SelectMany(p => p.Results));
            Assert.All(parts, p => Assert.InRange(JsonSerializer.SerializeToUtf8Bytes(p, Web).Length, 1, ResultMessages.BudgetBytes + 100));
        }
    }

    [Fact]
    public void A_result_larger_than_the_budget_travels_alone_and_its_neighbours_are_not_held_back()
    {
        var small = Results(3, "{}");
        var large = small[1] with { MethodPayloadJson = new string('x', ResultMessages.BudgetBytes) };

        var parts = ResultMessages.Of("job-1", [small[0], large, small[2]]).ToList();

        Assert.Equal([[small[0]], [large], [small[2]]], parts.Select(p => p.Results.ToList()));
    }

    [Fact]
    public void No_results_make_no_message()
    {
        Assert.Empty(ResultMessages.Of("job-1", []));
    }
}
