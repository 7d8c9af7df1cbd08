using IotHubJobs.Security;

namespace Gateway.Auth;

/// <summary>The policy a request's token proved; set only by <see cref="SasAuthenticationMiddleware"/>.</summary>
public sealed record IotHubPolicyFeature(SharedAccessPolicy Policy);
