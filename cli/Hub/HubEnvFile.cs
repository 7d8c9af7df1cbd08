namespace IotHubJobs.Cli.Hub;

/// <summary>
/// <c>.local/hub.env</c> as run.sh writes it (scripts/services.sh, write_hub_env): <c>KEY=value</c> lines, split at the
/// first <c>=</c> only, because the connection string holds both <c>;</c> and <c>=</c>. Blank lines and <c>#</c> comments are
/// skipped; a value may be wrapped in single or double quotes. Nothing is expanded: the file is data, not a script.
/// </summary>
public static class HubEnvFile
{
    public static IReadOnlyDictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line["export ".Length..].TrimStart();
            var equals = line.IndexOf('=');
            if (equals <= 0) continue;
            values[line[..equals].Trim()] = Unquote(line[(equals + 1)..].Trim());
        }
        return values;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;
}
