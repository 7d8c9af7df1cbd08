namespace IotHubJobs.Query.Evaluation;

/// <summary>
/// Orders group keys the way PostgreSQL orders jsonb: null &lt; string &lt; number &lt; boolean &lt; array &lt; object,
/// with a missing value (SQL NULL) last.
/// </summary>
internal sealed class GroupKeyComparer : IComparer<IReadOnlyList<Value>>
{
    public static GroupKeyComparer Instance { get; } = new();

    public int Compare(IReadOnlyList<Value>? x, IReadOnlyList<Value>? y)
    {
        if (x is null || y is null)
        {
            return 0;
        }

        for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
        {
            var order = Compare(x[i], y[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return 0;
    }

    private static int Compare(Value x, Value y)
    {
        var rank = Rank(x).CompareTo(Rank(y));
        if (rank != 0)
        {
            return rank;
        }

        return x.Kind switch
        {
            ValueKind.String => CodePointComparer.Instance.Compare(x.Text, y.Text),
            ValueKind.Number => x.Decimal is { } a && y.Decimal is { } b ? a.CompareTo(b) : x.Double.CompareTo(y.Double),
            ValueKind.Boolean => x.Boolean.CompareTo(y.Boolean),
            ValueKind.Array or ValueKind.Object => CodePointComparer.Instance.Compare(x.Text, y.Text),
            _ => 0,
        };
    }

    private static int Rank(Value value) => value.Kind switch
    {
        ValueKind.Null => 0,
        ValueKind.String => 1,
        ValueKind.Number => 2,
        ValueKind.Boolean => 3,
        ValueKind.Array => 4,
        ValueKind.Object => 5,
        _ => 6,
    };
}
