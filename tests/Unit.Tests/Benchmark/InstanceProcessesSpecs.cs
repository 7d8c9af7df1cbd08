using Benchmark;

namespace Unit.Tests.Benchmark;

/// <summary>A run's CPU split names only the processes of its own instance's pid files (other runs share the machine).</summary>
public sealed class InstanceProcessesSpecs : IDisposable
{
    private readonly string _instance = Directory.CreateTempSubdirectory("bench-instance-").FullName;

    [Fact]
    public void Only_the_processes_named_by_the_instance_s_pid_files_are_counted()
    {
        var self = Environment.ProcessId;
        Directory.CreateDirectory(Path.Combine(_instance, "pids"));
        File.WriteAllText(Path.Combine(_instance, "pids", "jobs-api.pid"), $"{self} /somewhere/JobsApi.dll\n");
        Directory.CreateDirectory(Path.Combine(_instance, "pg", "data"));
        File.WriteAllText(Path.Combine(_instance, "pg", "data", "postmaster.pid"), $"{self}\n/data\n1700000000\n55432\n");

        Assert.Equal(new Dictionary<string, int> { ["jobs-api"] = self, ["postgresql"] = self }, InstanceProcesses.Roots(_instance));
        var cpu = CpuTime.Sample(_instance);
        Assert.Equal(["jobs-api", "postgresql"], cpu.Keys.Order());
        Assert.True(cpu["jobs-api"] > 0);
    }

    [Fact]
    public void An_instance_that_is_not_running_counts_nothing()
    {
        Assert.Empty(CpuTime.Sample(_instance));
    }

    [Fact]
    public void A_process_tree_includes_the_children()
    {
        var table = ProcessTable.Read();
        var parent = File.ReadAllText("/proc/self/stat").Split(") ")[1].Split(' ')[1];
        Assert.True(table.TreeSeconds(int.Parse(parent)) >= table.TreeSeconds(Environment.ProcessId));
        Assert.Null(table.TreeSeconds(int.MaxValue));
    }

    public void Dispose() => Directory.Delete(_instance, recursive: true);
}
