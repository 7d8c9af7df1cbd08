using Benchmark;

// ./bench.sh drives this. Fleet mode: create N devices through the public bulk API, run one job over all of them,
// prove the result exact, print one JSON line with the figures. Creations mode (--creations N): a burst of N job
// creations, every job proved recorded and finished, peak memory per service. Latency mode (--latency N): N one-device
// jobs one after another, p50/p99 from the PUT to the device's execution and to completed. Comparison summary
// (--summarize-comparison FILE): the medians and ratio of the fleet runs of ./bench.sh --compare; transport summary
// (--summarize-transports FILE): the sim and mqtt runs of ./bench.sh --transport both and their ratio; webhook summary (--summarize-webhook FILE):
// the runs of ./bench.sh --webhook without and with a subscriber, their medians and ratio.
if (args.Contains("--creations"))
{
    var burst = await new CreationBurstRun(CreationBurstRun.Options.Parse(args)).RunAsync();
    Console.WriteLine(burst);
    return burst.Exact ? 0 : 1;
}
if (args.Contains("--latency"))
{
    var latency = await new LatencyRun(LatencyRun.Options.Parse(args)).RunAsync();
    Console.WriteLine(latency.ToJsonString(JsonLine.Options));
    return (bool)latency["exact"]! ? 0 : 1;
}
if (args.Contains("--summarize-transports"))
{
    var transports = TransportComparison.From(args.SkipWhile(a => a != "--summarize-transports").Skip(1).First());
    Console.WriteLine(transports.ToJsonString(JsonLine.Options));
    return (bool)transports["allExact"]! ? 0 : 1;
}
if (args.Contains("--summarize-webhook"))
{
    var webhook = WebhookSummary.From(args.SkipWhile(a => a != "--summarize-webhook").Skip(1).First(),
        int.Parse(args.SkipWhile(a => a != "--rounds").Skip(1).First()));
    Console.WriteLine(webhook.ToJsonString(JsonLine.Options));
    return (bool)webhook["allExact"]! ? 0 : 1;
}
if (args.Contains("--summarize-comparison"))
{
    var summary = ComparisonSummary.From(ComparisonSummary.Options.Parse(args));
    Console.WriteLine(summary.ToJsonString(JsonLine.Options));
    return (bool)summary["allExact"]! ? 0 : 1;
}
var options = BenchOptions.Parse(args);
var report = await new FleetJobRun(options).RunAsync();
Console.WriteLine(report);
return report.Exact ? 0 : 1;
