using System.Text.Json;
using System.Text.Json.Serialization;

namespace IotHubJobs.Security;

/// <summary>
/// The policies file: <c>{"policies":[{"name":"iothubowner","primaryKey":"..","secondaryKey":"..",
/// "rights":["RegistryRead","RegistryWrite","ServiceConnect","DeviceConnect"]}, ...]}</c>.
/// Keys are random per installation; none lives in source.
/// </summary>
public static class SharedAccessPolicyFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static SharedAccessPolicySet Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"The shared access policies file '{path}' does not exist.", path);
        return Parse(File.ReadAllText(path));
    }

    public static SharedAccessPolicySet Parse(string json)
    {
        PolicyFile? file;
        try
        {
            file = JsonSerializer.Deserialize<PolicyFile>(json, Options);
        }
        catch (JsonException e)
        {
            // The exception message may quote the offending text; keys must not end up in logs.
            throw new InvalidDataException($"The shared access policies file is not valid JSON (line {e.LineNumber}).");
        }
        if (file?.Policies is null)
            throw new InvalidDataException("The shared access policies file has no \"policies\" array.");
        return new SharedAccessPolicySet(file.Policies.Select(ToPolicy));
    }

    private static SharedAccessPolicy ToPolicy(PolicyEntry entry) =>
        new(entry.Name ?? "", entry.PrimaryKey ?? "", entry.SecondaryKey ?? "", ParseRights(entry));

    private static AccessRights ParseRights(PolicyEntry entry)
    {
        var rights = AccessRights.None;
        foreach (var name in entry.Rights ?? [])
        {
            var known = Enum.GetNames<AccessRights>()
                .FirstOrDefault(n => n != nameof(AccessRights.None) && string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
                throw new InvalidDataException($"Shared access policy '{entry.Name}' names an unknown right '{name}'.");
            rights |= Enum.Parse<AccessRights>(known);
        }
        return rights;
    }

    private sealed record PolicyFile([property: JsonPropertyName("policies")] List<PolicyEntry>? Policies);

    private sealed record PolicyEntry(
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("primaryKey")] string? PrimaryKey,
        [property: JsonPropertyName("secondaryKey")] string? SecondaryKey,
        [property: JsonPropertyName("rights")] List<string>? Rights);
}
