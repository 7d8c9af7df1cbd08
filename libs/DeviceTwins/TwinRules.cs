using IotHubJobs.IotHubErrors;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IotHubJobs.DeviceTwins;

/// <summary>
/// The per-value rules of a twin (docs/iothub-api.md, "Device twins") for one section (tags, desired or reported) of a
/// patch or twin. Arrays are allowed (today's IoT Hub accepts them; only old docs forbade them): they are values,
/// replaced wholesale by a merge, count as one nesting level, and their elements obey the same rules. Empty keys are
/// refused too: no query could ever address them.
/// </summary>
public static class TwinRules
{
    /// <summary>Returns a message naming the first offending path, or null when the section is valid.</summary>
    public static string? Validate(JsonObject section, string sectionPath) => CheckObject(section, sectionPath, depth: 1, root: true);

    private static string? CheckObject(JsonObject value, string path, int depth, bool root)
    {
        if (depth > TwinLimits.MaxDepth)
            return $"'{path}' is nested deeper than {TwinLimits.MaxDepth} levels.";
        foreach (var (key, child) in value)
        {
            if (root && TwinKeys.IsSystem(key)) continue;
            if (KeyProblem(key) is { } problem) return $"Property name '{Shorten(key)}' under '{path}' is invalid: {problem}.";
            if (CheckValue(child, $"{path}.{key}", depth) is { } error) return error;
        }
        return null;
    }

    private static string? CheckValue(JsonNode? value, string path, int depth) => value switch
    {
        null => null, // a null in a patch deletes; inside an array it is an ordinary element
        JsonObject o => CheckObject(o, path, depth + 1, root: false),
        JsonArray a => CheckArray(a, path, depth + 1),
        JsonValue v => CheckPrimitive(v, path),
        _ => null,
    };

    private static string? CheckArray(JsonArray array, string path, int depth)
    {
        if (depth > TwinLimits.MaxDepth) return $"'{path}' is nested deeper than {TwinLimits.MaxDepth} levels.";
        for (var i = 0; i < array.Count; i++)
            if (CheckValue(array[i], $"{path}[{i}]", depth) is { } error) return error;
        return null;
    }

    private static string? CheckPrimitive(JsonValue value, string path)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                var bytes = Encoding.UTF8.GetByteCount(value.GetValue<string>());
                return bytes > TwinLimits.MaxStringValueBytes
                    ? $"The string value of '{path}' is {bytes} bytes; the limit is {TwinLimits.MaxStringValueBytes}." : null;
            case JsonValueKind.Number:
                var text = value.ToJsonString();
                // Floating-point numbers are doubles in IoT Hub; 1e400 is none (.NET reads it as infinity).
                if (text.AsSpan().IndexOfAny('.', 'e', 'E') >= 0)
                    return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
                           && double.IsFinite(d) ? null : $"The number value of '{path}' is outside the range of a double.";
                return long.TryParse(text, out var n) && Math.Abs(n) <= TwinLimits.MaxIntegerMagnitude ? null
                    : $"The integer value of '{path}' is outside ±{TwinLimits.MaxIntegerMagnitude}.";
            default:
                return null;
        }
    }

    /// <summary>Why a property name is not allowed, or null when it is.</summary>
    public static string? KeyProblem(string key)
    {
        if (key.Length == 0) return "names may not be empty";
        if (Encoding.UTF8.GetByteCount(key) > TwinLimits.MaxKeyBytes) return $"names are limited to {TwinLimits.MaxKeyBytes} bytes";
        foreach (var c in key)
        {
            if (char.IsControl(c)) return "names may not contain control characters";
            if (c is '.' or '$' or ' ') return "names may not contain '.', '$' or spaces";
        }
        return null;
    }

    private static string Shorten(string key) => ClientText.Shorten(new string(key.Select(c => char.IsControl(c) ? '?' : c).ToArray()), 64);
}
