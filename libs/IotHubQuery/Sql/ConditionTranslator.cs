using System.Text.Json;
using System.Text.Json.Nodes;
using IotHubJobs.Query.Ast;
using IotHubJobs.Query.Evaluation;

namespace IotHubJobs.Query;

/// <summary>
/// Translates a condition into SQL that is true exactly when the evaluator says true.
/// The query language has three values (true, false, undefined) while a WHERE clause only keeps true.
/// Rather than model undefined as SQL NULL everywhere, NOT is pushed down to the leaves: every leaf is
/// translated either as "is true" or as "is false" (for a comparison, "is false" is "the negated operator is
/// true", which holds because undefined stays undefined under both). The output never applies SQL NOT to a
/// translated sub-condition, so a leaf may answer NULL or FALSE interchangeably for "no", and positive
/// equality can be the GIN-indexable containment <c>twin @&gt; '{"tags":{"x":"v"}}'</c>, which answers FALSE
/// (not NULL) for a missing property.
/// </summary>
internal sealed class ConditionTranslator(QuerySource source, SqlParameterList parameters)
{
    private const string True = "TRUE";
    private const string False = "FALSE";

    public string WhenTrue(Condition condition) => Translate(condition, wanted: true);

    private string Translate(Condition condition, bool wanted)
    {
        var before = parameters.Count;
        var sql = Translated(condition, wanted);
        if (sql is True or False)
        {
            parameters.TruncateTo(before);
        }

        return sql;
    }

    private string Translated(Condition condition, bool wanted) => condition switch
    {
        ConstantCondition constant => constant.Value == wanted ? True : False,
        AndCondition and => wanted ? Both(Translate(and.Left, true), Translate(and.Right, true)) : Either(Translate(and.Left, false), Translate(and.Right, false)),
        OrCondition or => wanted ? Either(Translate(or.Left, true), Translate(or.Right, true)) : Both(Translate(or.Left, false), Translate(or.Right, false)),
        NotCondition not => Translate(not.Operand, !wanted),
        ComparisonCondition comparison => Comparison(comparison.Left, wanted ? comparison.Operator : comparison.Operator.Negated(), comparison.Right),
        InCondition membership => In(membership, wanted != membership.Negated),
        FunctionCondition function => Function(function, wanted),
        _ => throw new ArgumentException($"unknown condition {condition.GetType().Name}", nameof(condition)),
    };

    private static string Both(string left, string right) =>
        left == False || right == False ? False : left == True ? right : right == True ? left : $"({left} AND {right})";

    private static string Either(string left, string right) =>
        left == True || right == True ? True : left == False ? right : right == False ? left : $"({left} OR {right})";

    /// <summary>SQL that is true exactly when <c>left op right</c> is true.</summary>
    private string Comparison(Operand left, ComparisonOperator op, Operand right)
    {
        if (left is Literal && right is PropertyPath)
        {
            (left, right, op) = (right, left, op.Mirrored());
        }

        return (left, right) switch
        {
            (Literal a, Literal b) => ValueComparison.Compare(Value.FromLiteral(a), op, Value.FromLiteral(b)) == true ? True : False,
            (PropertyPath path, Literal literal) => PathWithLiteral(path, op, literal),
            (PropertyPath a, PropertyPath b) => PathWithPath(a, op, b),
            _ => throw new ArgumentException("unknown operand"),
        };
    }

    private string PathWithLiteral(PropertyPath path, ComparisonOperator op, Literal literal)
    {
        var resolved = source.Resolve(path);
        if (resolved.Column is { } column)
        {
            return ColumnWithLiteral(column, op, literal);
        }

        var isScalar = literal is StringLiteral or NumberLiteral or BooleanLiteral;
        if (op == ComparisonOperator.Equal && (isScalar || literal is NullLiteral))
        {
            return JsonEquals(resolved, literal);
        }

        if (!isScalar)
        {
            // null has no order and != null is never true (see ValueComparison); undefined never compares.
            return False;
        }

        var value = SqlValue.Of(resolved, parameters);
        switch (literal)
        {
            case StringLiteral or NumberLiteral or BooleanLiteral when op == ComparisonOperator.NotEqual:
                return $"({value.TypeIs(JsonType(literal))} AND {value.Json} <> {parameters.Jsonb(JsonText(literal))})";
            case StringLiteral text:
                return $"({value.TypeIs("string")} AND {value.Text} COLLATE \"C\" {op.ToSql()} {parameters.Text(text.Value)})";
            case NumberLiteral number:
                // CASE, not AND: PostgreSQL may evaluate AND operands in any order, and the cast fails on non-numbers.
                return $"(CASE WHEN {value.TypeIs("number")} THEN {value.Json}::numeric {op.ToSql()} {parameters.Numeric(number.Value)} END)";
            default:
                var boolean = (BooleanLiteral)literal;
                return $"(CASE WHEN {value.TypeIs("boolean")} THEN {value.Json}::boolean {op.ToSql()} {parameters.Boolean(boolean.Value)} END)";
        }
    }

    /// <summary>Equality with a scalar or null; through the indexed document it is a containment test.</summary>
    private string JsonEquals(ResolvedPath resolved, Literal literal)
    {
        if (resolved.HasContainmentIndex && resolved.JsonSegments.Count > 0)
        {
            // A scalar nested in an object only contains-matches the same scalar at that path (arrays do not
            // match), so containment is exactly equality here, and it can use the jsonb_path_ops GIN index.
            return $"{resolved.JsonSql} @> {parameters.Jsonb(ContainmentDocument(resolved, literal))}";
        }

        var value = SqlValue.Of(resolved, parameters);
        return literal is NullLiteral
            ? value.TypeIs("null")
            : $"{value.Json} = {parameters.Jsonb(JsonText(literal))}";
    }

    /// <summary><c>{"x":value}</c> for <c>tags.x</c>: the document the indexed jsonb contains when the path holds the value.</summary>
    private static string ContainmentDocument(ResolvedPath resolved, Literal literal)
    {
        var node = JsonNodeOf(literal);
        for (var i = resolved.JsonSegments.Count - 1; i >= 0; i--)
        {
            node = new JsonObject { [resolved.JsonSegments[i]] = node };
        }

        return node!.ToJsonString();
    }

    private string ColumnWithLiteral(SourceField column, ComparisonOperator op, Literal literal)
    {
        switch (literal)
        {
            case NullLiteral:
                return op == ComparisonOperator.Equal ? $"{column.Sql} IS NULL" : False;
            case StringLiteral text when column.Kind == FieldKind.Timestamp:
                var timestamp = TimestampText.ToSqlText(TimestampText.Parse(text));
                return $"{column.Sql} {op.ToSql()} {parameters.Timestamp(timestamp)}";
            case StringLiteral text:
                var collate = op.IsOrdering() ? " COLLATE \"C\"" : "";
                return $"{column.Sql}{collate} {op.ToSql()} {parameters.Text(text.Value)}";
            default:
                // A text or date column holds strings (or null): other kinds never compare.
                return False;
        }
    }

    private string PathWithPath(PropertyPath leftPath, ComparisonOperator op, PropertyPath rightPath)
    {
        var leftResolved = source.Resolve(leftPath);
        var rightResolved = source.Resolve(rightPath);
        var leftIsDate = leftResolved.ColumnKind == FieldKind.Timestamp;
        var rightIsDate = rightResolved.ColumnKind == FieldKind.Timestamp;
        if (leftIsDate && rightIsDate)
        {
            throw QueryException.Invalid(rightPath.Position, "two date fields cannot be compared with each other");
        }

        if (leftIsDate || rightIsDate)
        {
            return False;
        }

        var left = SqlValue.Of(leftResolved, parameters);
        var right = SqlValue.Of(rightResolved, parameters);
        var sqlOp = op.ToSql();
        var nulls = op switch
        {
            ComparisonOperator.Equal => True,
            ComparisonOperator.NotEqual => False,
            _ => "NULL",
        };
        return "(CASE"
            + $" WHEN jsonb_typeof({left.Json}) <> jsonb_typeof({right.Json}) THEN NULL"
            + $" WHEN {left.TypeIs("string")} THEN {left.Text} COLLATE \"C\" {sqlOp} {right.Text}"
            + $" WHEN jsonb_typeof({left.Json}) IN ('number', 'boolean') THEN {left.Json} {sqlOp} {right.Json}"
            + $" WHEN {left.TypeIs("null")} THEN {nulls}"
            + " END)";
    }

    /// <summary>
    /// IN is the OR of equalities; "IN is false" is the AND of "equality is false". Over a JSON path each list becomes
    /// one array comparison, so neither the SQL nor the work per row grows with the list's length; other lists are
    /// joined flat, in one pass.
    /// </summary>
    private string In(InCondition membership, bool wanted)
    {
        var values = membership.Values;
        if (values.Count == 0)
        {
            return wanted ? False : True;
        }

        var resolved = source.Resolve(membership.Path);
        if (resolved.Column is { Kind: FieldKind.Text } column && values.All(v => v is StringLiteral))
        {
            var array = parameters.TextArray(values.Cast<StringLiteral>().Select(v => v.Value).ToArray());
            return wanted ? $"{column.Sql} = ANY({array})" : $"{column.Sql} <> ALL({array})";
        }

        if (resolved.Column is null && values.Count > 1)
        {
            return wanted ? JsonIn(resolved, values) : JsonNotIn(resolved, values);
        }

        var op = wanted ? ComparisonOperator.Equal : ComparisonOperator.NotEqual;
        var pieces = values.Select(value => Comparison(membership.Path, op, value)).ToList();
        return wanted ? AnyOf(pieces) : AllOf(pieces);
    }

    /// <summary>
    /// True when the path equals one of the values: each equality as in <see cref="JsonEquals"/> (undefined never
    /// equals), all of them in one <c>= ANY</c>, or <c>@&gt; ANY</c> through the containment index.
    /// </summary>
    private string JsonIn(ResolvedPath resolved, IReadOnlyList<Literal> values)
    {
        var comparable = values.Where(v => v is not UndefinedLiteral).ToList();
        if (comparable.Count == 0)
        {
            return False;
        }

        if (resolved.HasContainmentIndex && resolved.JsonSegments.Count > 0)
        {
            var documents = comparable.Select(v => ContainmentDocument(resolved, v)).Distinct().ToArray();
            return $"{resolved.JsonSql} @> ANY({parameters.JsonbArray(documents)})";
        }

        var value = SqlValue.Of(resolved, parameters);
        return $"{value.Json} = ANY({parameters.JsonbArray(comparable.Select(JsonText).Distinct().ToArray())})";
    }

    /// <summary>
    /// True when the path differs from every value. "x = v is false" needs x to be of v's type (see
    /// <see cref="PathWithLiteral"/>), so a list holding null, undefined or values of two types is never false.
    /// </summary>
    private string JsonNotIn(ResolvedPath resolved, IReadOnlyList<Literal> values)
    {
        if (values.Any(v => v is NullLiteral or UndefinedLiteral) || values.Select(JsonType).Distinct().Count() > 1)
        {
            return False;
        }

        var value = SqlValue.Of(resolved, parameters);
        var array = parameters.JsonbArray(values.Select(JsonText).Distinct().ToArray());
        return $"({value.TypeIs(JsonType(values[0]))} AND {value.Json} <> ALL({array}))";
    }

    /// <summary>OR of translated pieces in one flat list; every piece is translated first, so errors do not depend on order.</summary>
    private static string AnyOf(IReadOnlyList<string> pieces)
    {
        if (pieces.Contains(True))
        {
            return True;
        }

        var kept = pieces.Where(p => p != False).ToList();
        return kept.Count switch
        {
            0 => False,
            1 => kept[0],
            _ => "(" + string.Join(" OR ", kept) + ")",
        };
    }

    /// <summary>AND of translated pieces in one flat list.</summary>
    private static string AllOf(IReadOnlyList<string> pieces)
    {
        if (pieces.Contains(False))
        {
            return False;
        }

        var kept = pieces.Where(p => p != True).ToList();
        return kept.Count switch
        {
            0 => True,
            1 => kept[0],
            _ => "(" + string.Join(" AND ", kept) + ")",
        };
    }

    private string Function(FunctionCondition function, bool wanted)
    {
        var resolved = source.Resolve(function.Path);
        if (resolved.Column is { } column)
        {
            return ColumnFunction(function, column, wanted);
        }

        if (function.Function == ConditionFunction.IsNull && wanted)
        {
            return JsonEquals(resolved, new NullLiteral(function.Path.Position));
        }

        var value = SqlValue.Of(resolved, parameters);

        string Type(string jsonType) => wanted ? value.TypeIs(jsonType) : $"jsonb_typeof({value.Json}) IS DISTINCT FROM '{jsonType}'";

        switch (function.Function)
        {
            case ConditionFunction.IsDefined:
                return wanted ? $"{value.Json} IS NOT NULL" : $"{value.Json} IS NULL";
            case ConditionFunction.IsNull:
                return Type("null");
            case ConditionFunction.IsString:
                return Type("string");
            case ConditionFunction.IsNumber:
                return Type("number");
            case ConditionFunction.IsBool:
                return Type("boolean");
            default:
                var not = wanted ? "" : "NOT ";
                return $"({value.TypeIs("string")} AND {not}{Affix(function, value.Text)})";
        }
    }

    private string ColumnFunction(FunctionCondition function, SourceField column, bool wanted)
    {
        // Text and date columns hold a string, or SQL NULL which is JSON null; both are always defined.
        var isNull = $"{column.Sql} IS NULL";
        var isNotNull = $"{column.Sql} IS NOT NULL";
        return function.Function switch
        {
            ConditionFunction.IsDefined => wanted ? True : False,
            ConditionFunction.IsNull => wanted ? isNull : isNotNull,
            ConditionFunction.IsString => wanted ? isNotNull : isNull,
            ConditionFunction.IsNumber or ConditionFunction.IsBool => wanted ? False : True,
            _ when column.Kind == FieldKind.Timestamp => Affix(function, SourceFieldText(column), negate: !wanted),
            _ => Affix(function, column.Sql, negate: !wanted),
        };
    }

    private static string SourceFieldText(SourceField column) => $"({column.JsonSql} #>> '{{}}')";

    private string Affix(FunctionCondition function, string text, bool negate = false)
    {
        var argument = parameters.Text(function.Argument ?? "");
        var test = function.Function == ConditionFunction.StartsWith
            ? $"starts_with({text}, {argument})"
            : $"right({text}, length({argument})) = {argument}";
        return negate ? $"NOT {test}" : test;
    }

    private static string JsonType(Literal literal) => literal switch
    {
        StringLiteral => "string",
        NumberLiteral => "number",
        BooleanLiteral => "boolean",
        _ => "null",
    };

    private static JsonNode? JsonNodeOf(Literal literal) => literal switch
    {
        StringLiteral s => JsonValue.Create(s.Value),
        NumberLiteral n => JsonValue.Create(n.Value),
        BooleanLiteral b => JsonValue.Create(b.Value),
        _ => null,
    };

    private static string JsonText(Literal literal) => JsonSerializer.Serialize(JsonNodeOf(literal));
}
