using System.CommandLine;
using IotHubJobs.Cli.Output;

namespace IotHubJobs.Cli.Commands.Jobs;

/// <summary>
/// <c>iotjobs job cancel-device JOB DEVICE</c>: <c>POST /jobs/v2/{id}/devices/{deviceId}/cancel</c>
/// (services/jobs-api/Jobs/Rollouts/CancelDeviceJob.cs): that device's pending work in the job is canceled and never
/// dispatched. Work it already started or finished is the hub's refusal (PreconditionFailed, exit code 1).
/// </summary>
public static class JobCancelDeviceCommand
{
    public static Command Build()
    {
        var job = new IdInput("job id", "--job-id", "-j");
        var device = new IdInput("device id", "--device-id", "-d");
        var command = device.AddTo(job.AddTo(new Command("cancel-device",
            "Cancel one device's pending work in a job (e.g. a device known to be broken, before its wave reaches it)")));
        command.Runs(async context =>
        {
            var path = $"/jobs/v2/{Uri.EscapeDataString(job.Read(context))}/devices/{Uri.EscapeDataString(device.Read(context))}/cancel";
            var answer = (await context.Hub.SendAsync(HttpMethod.Post, path, null, context.Cancellation)).Body!;
            context.Printer.Result(answer, () => JobView.Sheet(answer));
            return ExitCodes.Success;
        });
        return command;
    }
}
