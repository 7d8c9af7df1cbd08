namespace IotHubJobs.Security;

/// <summary>The outcome of checking a token: the policy it proves, or why it was refused (no secrets in the reason).</summary>
public sealed record SasValidationResult(SharedAccessPolicy? Policy, string? FailureReason)
{
    public bool Succeeded => Policy is not null;

    public static SasValidationResult Success(SharedAccessPolicy policy) => new(policy, null);

    public static SasValidationResult Failure(string reason) => new(null, reason);
}
