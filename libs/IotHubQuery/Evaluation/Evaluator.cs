using System.Text.Json.Nodes;
using IotHubJobs.Query.Ast;
using IotHubJobs.Query.Evaluation;

namespace IotHubJobs.Query;

/// <summary>
/// Runs queries over JSON items in memory: the reference semantics the SQL compiler must agree with (the query specs
/// compare both on the same fleet).
/// </summary>
public static class Evaluator
{
    /// <summary>True when the item satisfies the condition (undefined counts as not satisfied).</summary>
    public static bool Matches(Condition condition, JsonNode item, QuerySource source) => Evaluate(condition, item, source) == true;

    /// <summary>The three-valued result: true, false, or null for undefined.</summary>
    public static bool? Evaluate(Condition condition, JsonNode item, QuerySource source) => condition switch
    {
        ConstantCondition constant => constant.Value,
        AndCondition and => And(Evaluate(and.Left, item, source), Evaluate(and.Right, item, source)),
        OrCondition or => Or(Evaluate(or.Left, item, source), Evaluate(or.Right, item, source)),
        NotCondition not => !Evaluate(not.Operand, item, source),
        ComparisonCondition comparison => Compare(comparison, item, source),
        InCondition membership => In(membership, item, source),
        FunctionCondition function => Function(function, item, source),
        _ => throw new ArgumentException($"unknown condition {condition.GetType().Name}", nameof(condition)),
    };

    /// <summary>Runs a whole statement: filter, key order, projection or grouping, TOP.</summary>
    public static IReadOnlyList<JsonNode> Run(QueryStatement statement, IEnumerable<JsonNode> items)
    {
        var source = statement.From;
        var matching = items
            .Where(item => Matches(statement.Where, item, source))
            .OrderBy(item => item, new ItemKeyComparer(source.KeyProperties))
            .ToList();

        IEnumerable<JsonNode> results = statement.IsAggregate
            ? Projection.Group(statement, matching)
            : matching.Select(item => statement.SelectsAll ? item.DeepClone() : Projection.Project(statement.Select, item));

        return (statement.Top is { } top ? results.Take((int)Math.Min(top, int.MaxValue)) : results).ToList();
    }

    internal static Value Read(JsonNode item, IReadOnlyList<string> segments)
    {
        JsonNode? node = item;
        foreach (var segment in segments)
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(segment, out node))
            {
                return Value.Undefined;
            }
        }

        return Value.FromNode(node);
    }

    private static bool? And(bool? left, bool? right) =>
        left == false || right == false ? false : left == true && right == true ? true : null;

    private static bool? Or(bool? left, bool? right) =>
        left == true || right == true ? true : left == false && right == false ? false : null;

    private static bool? Compare(ComparisonCondition comparison, JsonNode item, QuerySource source)
    {
        var (left, right) = (comparison.Left, comparison.Right);
        if (IsTimestamp(left, source) && IsTimestamp(right, source))
        {
            throw QueryException.Invalid(right.Position, "two date fields cannot be compared with each other");
        }

        return ValueComparison.Compare(Operand(left, right, item, source), comparison.Operator, Operand(right, left, item, source));
    }

    /// <summary>The value of <paramref name="operand"/>; dates become timestamps when compared with a date field.</summary>
    private static Value Operand(Operand operand, Operand other, JsonNode item, QuerySource source)
    {
        switch (operand)
        {
            case PropertyPath path:
                source.Resolve(path);
                var value = Read(item, path.Segments);
                return IsTimestamp(path, source) ? AsTimestamp(value) : value;
            case StringLiteral text when IsTimestamp(other, source):
                return new Value(ValueKind.Timestamp, Timestamp: TimestampText.Parse(text));
            default:
                return Value.FromLiteral((Literal)operand);
        }
    }

    private static bool IsTimestamp(Operand operand, QuerySource source) =>
        operand is PropertyPath path && source.Resolve(path).ColumnKind == FieldKind.Timestamp;

    private static Value AsTimestamp(Value value) =>
        value.Kind == ValueKind.String && TimestampText.TryParse(value.Text!, out var timestamp)
            ? new Value(ValueKind.Timestamp, Timestamp: timestamp)
            : value;

    private static bool? In(InCondition membership, JsonNode item, QuerySource source)
    {
        bool? result = false;
        foreach (var literal in membership.Values)
        {
            var equal = Compare(new ComparisonCondition(membership.Path, ComparisonOperator.Equal, literal), item, source);
            result = Or(result, equal);
        }

        return membership.Negated ? !result : result;
    }

    private static bool? Function(FunctionCondition function, JsonNode item, QuerySource source)
    {
        source.Resolve(function.Path);
        var value = Read(item, function.Path.Segments);
        return function.Function switch
        {
            ConditionFunction.IsDefined => value.Kind != ValueKind.Undefined,
            ConditionFunction.IsNull => value.Kind == ValueKind.Null,
            ConditionFunction.IsString => value.Kind == ValueKind.String,
            ConditionFunction.IsNumber => value.Kind == ValueKind.Number,
            ConditionFunction.IsBool => value.Kind == ValueKind.Boolean,
            ConditionFunction.StartsWith => value.Kind == ValueKind.String ? value.Text!.StartsWith(function.Argument ?? "", StringComparison.Ordinal) : null,
            _ => value.Kind == ValueKind.String ? value.Text!.EndsWith(function.Argument ?? "", StringComparison.Ordinal) : null,
        };
    }
}
