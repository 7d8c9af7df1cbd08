using System.Diagnostics.CodeAnalysis;

namespace IotHubJobs.Security;

/// <summary>The hub's policies, checked once: unique names and usable keys.</summary>
public sealed class SharedAccessPolicySet
{
    /// <summary>Shorter keys are refused: anyone could guess them.</summary>
    public const int MinimumKeyBytes = 16;

    private readonly Dictionary<string, SharedAccessPolicy> _byName = new(StringComparer.Ordinal);

    public SharedAccessPolicySet(IEnumerable<SharedAccessPolicy> policies)
    {
        foreach (var policy in policies)
        {
            if (string.IsNullOrWhiteSpace(policy.Name))
                throw new InvalidDataException("A shared access policy has no name.");
            RequireKey(policy.Name, "primaryKey", policy.PrimaryKey, optional: false);
            RequireKey(policy.Name, "secondaryKey", policy.SecondaryKey, optional: true);
            if (!_byName.TryAdd(policy.Name, policy))
                throw new InvalidDataException($"Shared access policy '{policy.Name}' is defined twice.");
        }
    }

    public IReadOnlyCollection<SharedAccessPolicy> Policies => _byName.Values;

    public bool TryGet(string name, [NotNullWhen(true)] out SharedAccessPolicy? policy) =>
        _byName.TryGetValue(name, out policy);

    /// <summary>Reads the policies file written at installation (format in <see cref="SharedAccessPolicyFile"/>).</summary>
    public static SharedAccessPolicySet Load(string path) => SharedAccessPolicyFile.Load(path);

    private static void RequireKey(string policy, string field, string? key, bool optional)
    {
        if (string.IsNullOrEmpty(key))
        {
            if (optional) return;
            throw new InvalidDataException($"Shared access policy '{policy}' has no {field}.");
        }
        var buffer = new byte[key.Length];
        if (!Convert.TryFromBase64String(key, buffer, out var length))
            throw new InvalidDataException($"The {field} of shared access policy '{policy}' is not Base64.");
        if (length < MinimumKeyBytes)
            throw new InvalidDataException(
                $"The {field} of shared access policy '{policy}' is shorter than {MinimumKeyBytes} bytes.");
    }
}
