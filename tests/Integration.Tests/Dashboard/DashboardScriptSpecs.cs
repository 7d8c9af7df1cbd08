using System.Text.Json;
using Integration.Tests.Infrastructure;
using Unit.Tests.Cli;

namespace Integration.Tests.Dashboard;

/// <summary>
/// The dashboard's own event-stream parser (gateway/Dashboard/site/js/sse.js), run in the browser on the samples the
/// command line's parser is held to (tests/Unit.Tests/Cli/SseSamples.cs), chunk by chunk as a network delivers them.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DashboardScriptSpecs(SystemUnderTest system, DashboardBrowser browser) : IClassFixture<DashboardBrowser>
{
    [Fact]
    public async Task The_browser_s_event_stream_parser_reads_every_sample_as_the_command_line_does()
    {
        var page = await browser.OpenAsync(system);
        foreach (var sample in SseSamples.All)
        {
            var result = await page.EvaluateAsync<JsonElement>("""
                async (chunks) => {
                  const { SseParser } = await import('./js/sse.js');
                  const parser = new SseParser();
                  const events = chunks.flatMap((chunk) => parser.push(chunk));
                  return { events, lastEventId: parser.lastEventId };
                }
                """, sample.Chunks);

            var events = result.GetProperty("events").EnumerateArray()
                .Select(e => new SseSamples.Expected(e.GetProperty("type").GetString()!, e.GetProperty("data").GetString()!,
                    e.GetProperty("id").ValueKind == JsonValueKind.Null ? null : e.GetProperty("id").GetString()))
                .ToList();
            Assert.True(sample.Events.SequenceEqual(events), $"{sample.Name}: got {JsonSerializer.Serialize(events)}");
            var lastId = result.GetProperty("lastEventId");
            Assert.Equal(sample.LastEventId, lastId.ValueKind == JsonValueKind.Null ? null : lastId.GetString());
        }
    }
}
