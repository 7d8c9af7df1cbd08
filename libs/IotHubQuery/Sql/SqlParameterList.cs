using System.Text.Json;

namespace IotHubJobs.Query;

/// <summary>
/// Collects parameter values and hands out cast placeholders. Equal values share one placeholder, which
/// PostgreSQL needs to recognise a SELECT expression as the GROUP BY expression.
/// </summary>
internal sealed class SqlParameterList(int firstIndex)
{
    private readonly List<object?> _values = [];
    private readonly List<string> _keys = [];
    private readonly Dictionary<string, int> _placeholders = new(StringComparer.Ordinal);

    public IReadOnlyList<object?> Values => _values;

    public int Count => _values.Count;

    /// <summary>
    /// Forgets the values added after the first <paramref name="count"/>: a sub-condition that folded into a constant
    /// references none of them, and every value sent must be referenced by the SQL.
    /// </summary>
    public void TruncateTo(int count)
    {
        for (var i = _values.Count - 1; i >= count; i--)
        {
            _placeholders.Remove(_keys[i]);
            _keys.RemoveAt(i);
            _values.RemoveAt(i);
        }
    }

    public int FirstIndex => firstIndex;

    public string Text(string value) => Add(value, "text");

    public string Numeric(decimal value) => Add(value, "numeric");

    public string BigInt(long value) => Add(value, "bigint");

    public string Boolean(bool value) => Add(value, "boolean");

    public string TextArray(IReadOnlyList<string> values) => Add(values.ToArray(), "text[]");

    public string Jsonb(string json) => Add(json, "jsonb");

    /// <summary>JSON texts sent as one <c>text[]</c> and cast to <c>jsonb[]</c>.</summary>
    public string JsonbArray(IReadOnlyList<string> jsons) => Add(jsons.ToArray(), "jsonb[]");

    public string Timestamp(string isoText) => Add(isoText, "timestamptz");

    private string Add(object value, string type)
    {
        var key = type + "\u0001" + JsonSerializer.Serialize(value, value.GetType());
        if (!_placeholders.TryGetValue(key, out var index))
        {
            index = firstIndex + _values.Count;
            _values.Add(value);
            _keys.Add(key);
            _placeholders[key] = index;
        }

        return $"${index}::{type}";
    }
}
