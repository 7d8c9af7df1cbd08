namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>
/// A recurring job's occurrence is due (docs/rollouts.md, "Recurrence"): create the child job <c>JobId</c>
/// (<c>{template}-{yyyyMMddTHHmmZ}</c>) with the template's request, starting at <c>OccursAt</c>. Idempotent per child id.
/// </summary>
public sealed record CreateJobOccurrence(string TemplateJobId, string JobId, DateTimeOffset OccursAt);
