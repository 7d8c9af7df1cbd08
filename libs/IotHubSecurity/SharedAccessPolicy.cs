namespace IotHubJobs.Security;

/// <summary>A named shared access policy: two Base64 keys and the rights any token signed with them carries.</summary>
public sealed record SharedAccessPolicy(string Name, string PrimaryKey, string SecondaryKey, AccessRights Rights)
{
    /// <summary>Never prints the keys, so logging a policy cannot leak them.</summary>
    public override string ToString() => $"SharedAccessPolicy {{ Name = {Name}, Rights = {Rights} }}";
}
