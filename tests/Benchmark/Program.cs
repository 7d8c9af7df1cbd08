using Benchmark;

// ./bench.sh drives this. Fleet mode: create N devices through the public bulk API, run one job over all of them,
// prove the result exact, print one JSON line with the figures. Creations mode (--creations N): a burst of N job
// creations, every job proved recorded and finished, peak memory per service. Comparison summary
// (--summarize-comparison FILE): the medians and ratio of the fleet runs of ./bench.sh --compare.
if (args.Contains("--creations"))
{
    var burst = await new CreationBurstRun(CreationBurstRun.Options.Parse(args)).RunAsync();
    Console.WriteLine(burst);
    return burst.Exact ? 0 : 1;
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
