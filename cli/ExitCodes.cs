namespace IotHubJobs.Cli;

/// <summary>What <c>iotjobs</c> exits with (cli/README.md, "Exit codes"): scripts branch on these, so they never change meaning.</summary>
public static class ExitCodes
{
    /// <summary>Done. For <c>job watch</c> and <c>job create --wait</c>: the job completed and no device job failed.</summary>
    public const int Success = 0;

    /// <summary>The hub refused the request; stderr names its IoT Hub error code.</summary>
    public const int HubRefused = 1;

    /// <summary>The command line or an input file is wrong (nothing was sent).</summary>
    public const int Usage = 2;

    /// <summary>No hub to talk to: no connection string configured, the hub unreachable, or its certificate not trusted.</summary>
    public const int Unreachable = 3;

    /// <summary>Partly done: a job completed with failed device jobs, or an import had devices refused.</summary>
    public const int SomeFailed = 4;

    /// <summary>The job ended as <c>failed</c> or <c>cancelled</c>.</summary>
    public const int JobNotCompleted = 5;

    /// <summary>Stopped waiting (<c>--poll-duration</c> elapsed) before the job finished; the job goes on.</summary>
    public const int StillRunning = 6;

    /// <summary>Interrupted (Ctrl-C); a job being watched goes on.</summary>
    public const int Interrupted = 130;
}
