namespace IotHubJobs.Query.Ast;

public static class ComparisonOperators
{
    /// <summary>The operator whose result is true exactly when this one's is false (undefined stays undefined).</summary>
    public static ComparisonOperator Negated(this ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => ComparisonOperator.NotEqual,
        ComparisonOperator.NotEqual => ComparisonOperator.Equal,
        ComparisonOperator.Less => ComparisonOperator.GreaterOrEqual,
        ComparisonOperator.LessOrEqual => ComparisonOperator.Greater,
        ComparisonOperator.Greater => ComparisonOperator.LessOrEqual,
        _ => ComparisonOperator.Less,
    };

    /// <summary>The operator to use when the operands swap sides (<c>3 &lt; x</c> is <c>x &gt; 3</c>).</summary>
    public static ComparisonOperator Mirrored(this ComparisonOperator op) => op switch
    {
        ComparisonOperator.Less => ComparisonOperator.Greater,
        ComparisonOperator.LessOrEqual => ComparisonOperator.GreaterOrEqual,
        ComparisonOperator.Greater => ComparisonOperator.Less,
        ComparisonOperator.GreaterOrEqual => ComparisonOperator.LessOrEqual,
        _ => op,
    };

    public static bool IsOrdering(this ComparisonOperator op) =>
        op is not (ComparisonOperator.Equal or ComparisonOperator.NotEqual);

    public static string ToSql(this ComparisonOperator op) => op switch
    {
        ComparisonOperator.Equal => "=",
        ComparisonOperator.NotEqual => "<>",
        ComparisonOperator.Less => "<",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        _ => ">=",
    };
}
