using IotHubJobs.Query.Ast;

namespace IotHubJobs.Query.Evaluation;

internal static class ValueComparison
{
    /// <summary>
    /// True/false for two primitives of the same kind; undefined (null) when either side is missing, an object
    /// or array, or the kinds differ. JSON null equals only null and has no order.
    /// </summary>
    public static bool? Compare(Value left, ComparisonOperator op, Value right)
    {
        if (!left.IsPrimitive || !right.IsPrimitive || left.Kind != right.Kind)
        {
            return null;
        }

        int order;
        switch (left.Kind)
        {
            case ValueKind.Null:
                return op switch
                {
                    ComparisonOperator.Equal => true,
                    ComparisonOperator.NotEqual => false,
                    _ => null,
                };
            case ValueKind.String:
                order = CodePointComparer.Instance.Compare(left.Text, right.Text);
                break;
            case ValueKind.Boolean:
                order = left.Boolean.CompareTo(right.Boolean);
                break;
            case ValueKind.Timestamp:
                order = left.Timestamp.CompareTo(right.Timestamp);
                break;
            default:
                order = left.Decimal is { } a && right.Decimal is { } b ? a.CompareTo(b) : left.Double.CompareTo(right.Double);
                break;
        }

        return op switch
        {
            ComparisonOperator.Equal => order == 0,
            ComparisonOperator.NotEqual => order != 0,
            ComparisonOperator.Less => order < 0,
            ComparisonOperator.LessOrEqual => order <= 0,
            ComparisonOperator.Greater => order > 0,
            _ => order >= 0,
        };
    }
}
