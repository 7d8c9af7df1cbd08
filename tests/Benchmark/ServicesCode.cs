namespace Benchmark;

/// <summary>
/// Which code the hub's services ran, read from the dll each pid file names ("&lt;pid&gt; &lt;dll&gt;", scripts/services.sh):
/// "precompiled" when every service's folder holds the ReadyToRun composite image scripts/compile.sh makes
/// (&lt;Service&gt;.r2r.dll), "jit" when none does (the everyday build, compiled while it runs), "mixed" otherwise.
/// </summary>
public static class ServicesCode
{
    public static string Of(string pidDirectory)
    {
        var dlls = Directory.GetFiles(pidDirectory, "*.pid")
            .Select(pidFile => File.ReadAllText(pidFile).Trim().Split(' ', 2))
            .Where(parts => parts.Length == 2)
            .Select(parts => parts[1])
            .ToList();
        var precompiled = dlls.Count(dll => File.Exists(Path.ChangeExtension(dll, ".r2r.dll")));
        return precompiled == 0 ? "jit" : precompiled == dlls.Count ? "precompiled" : "mixed";
    }

    /// <summary>
    /// How many service instances started with a JIT profile (libs/ServiceDefaults/JitProfile.cs): one an earlier run of
    /// theirs wrote when it stopped, or for the precompiled services the one scripts/compile.sh recorded, copied in at the
    /// start (scripts/services.sh, seed_jit_profile) — in the state folder's jit-profiles/compiled/ or jit-profiles/everyday/,
    /// older than the instance's pid file.
    /// </summary>
    public static int JitProfilesAtStart(string pidDirectory)
    {
        var kind = Of(pidDirectory) == "precompiled" ? "compiled" : "everyday";
        var profiles = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pidDirectory).TrimEnd('/'))!, "jit-profiles", kind);
        return Directory.GetFiles(pidDirectory, "*.pid").Count(pidFile =>
        {
            var profile = new FileInfo(Path.Combine(profiles, Path.GetFileNameWithoutExtension(pidFile) + ".jitprofile"));
            return profile.Exists && profile.LastWriteTimeUtc < File.GetLastWriteTimeUtc(pidFile);
        });
    }
}
