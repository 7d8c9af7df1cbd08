using System.Text.Json;

namespace IotHubJobs.Query;

/// <summary>
/// Collects parameter values and hands out cast placeholders. Equal values share one placeholder, which
/// PostgreSQL needs to recognise a SELECT expression as the GROUP BY expression.
/// </summary>
internal sealed class SqlParameterList(int firstIndex)
{
    private readonly List<object?> _values = [];
    private readonly Dictionary<string, int> _placeholders = new(StringComparer.Ordinal);

    public IReadOnlyList<object?> Values => _values;

    public int FirstIndex => firstIndex;

    public string Text(string value) => Add(value, "text");

    public string Numeric(decimal value) => Add(value, "numeric");

    public string BigInt(long value) => Add(value, "bigint");

    public string Boolean(bool value) => Add(value, "boolean");

    public string TextArray(IReadOnlyList<string> values) => Add(values.ToArray(), "text[]");

    public string Jsonb(string json) => Add(json, "jsonb");

    public string Timestamp(string isoText) => Add(isoText, "timestamptz");

    private string Add(object value, string type)
    {
        var key = type + "\u0001" + JsonSerializer.Serialize(value, value.GetType());
        if (!_placeholders.TryGetValue(key, out var index))
        {
            index = firstIndex + _values.Count;
            _values.Add(value);
            _placeholders[key] = index;
        }

        return $"${index}::{type}";
    }
}
