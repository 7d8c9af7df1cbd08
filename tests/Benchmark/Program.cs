using Benchmark;

// ./bench.sh drives this: create N devices through the public bulk API, run one job over all of them, prove the
// result exact, and print one JSON line with the figures.
var options = BenchOptions.Parse(args);
var report = await new FleetJobRun(options).RunAsync();
Console.WriteLine(report);
return report.Exact ? 0 : 1;
