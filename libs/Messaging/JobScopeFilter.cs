using System.Diagnostics;
using System.Reflection;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace IotHubJobs.Messaging;

/// <summary>
/// Puts the job id of every consumed message that carries one into the log scope and onto the consume span,
/// so an operator can follow one job through every service's logs and traces.
/// </summary>
public sealed class JobScopeFilter<T>(ILogger<JobScopeFilter<T>> logger) : IFilter<ConsumeContext<T>> where T : class
{
    private static readonly PropertyInfo? JobIdProperty = typeof(T).GetProperty("JobId", typeof(string));

    public async Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        if (JobIdProperty?.GetValue(context.Message) is not string jobId)
        {
            await next.Send(context);
            return;
        }
        Activity.Current?.SetTag("iothub.job_id", jobId);
        using (logger.BeginScope(new Dictionary<string, object> { ["JobId"] = jobId }))
            await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("jobScope");
}
