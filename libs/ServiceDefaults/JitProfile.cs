using System.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace IotHubJobs.ServiceDefaults;

/// <summary>
/// The runtime's multicore JIT (<see cref="ProfileOptimization"/>): a service records which methods had to be compiled
/// while it ran — code its ReadyToRun image does not hold, such as generic instantiations made at run time — and at its
/// next start compiles them on a background thread before its first job calls them (docs/benchmarks.md, "The first job
/// after a start plays a JIT profile"). One profile per instance (<c>OTEL_SERVICE_NAME</c>: executor-1 and executor-2
/// keep their own), written when the service stops. Off unless <c>Runtime:JitProfileDirectory</c> is set; a profile from
/// other code is skipped by the runtime module by module.
/// </summary>
public static class JitProfile
{
    public const string DirectoryKey = "Runtime:JitProfileDirectory";

    public static void Start(IHostApplicationBuilder builder)
    {
        if (builder.Configuration[DirectoryKey] is not { Length: > 0 } directory) return;
        var instance = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        Directory.CreateDirectory(directory);
        ProfileOptimization.SetProfileRoot(directory);
        ProfileOptimization.StartProfile(string.Concat(instance.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')) + ".jitprofile");
    }
}
