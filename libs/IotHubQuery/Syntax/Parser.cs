using IotHubJobs.Query.Ast;

namespace IotHubJobs.Query.Syntax;

/// <summary>
/// Recursive descent over the token list; paths are canonicalised against the FROM source as they are read.
/// The recursion is bounded by <see cref="QueryLimits"/>: one level per parenthesis or NOT, and chains of AND and OR
/// are built balanced, so a condition's tree is never deeper than its nesting plus the logarithm of its length.
/// </summary>
internal sealed class Parser
{
    private static readonly Dictionary<string, ConditionFunction> ConditionFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["IS_DEFINED"] = ConditionFunction.IsDefined,
        ["IS_NULL"] = ConditionFunction.IsNull,
        ["IS_STRING"] = ConditionFunction.IsString,
        ["IS_NUMBER"] = ConditionFunction.IsNumber,
        ["IS_BOOL"] = ConditionFunction.IsBool,
        ["STARTSWITH"] = ConditionFunction.StartsWith,
        ["STARTS_WITH"] = ConditionFunction.StartsWith,
        ["ENDSWITH"] = ConditionFunction.EndsWith,
        ["ENDS_WITH"] = ConditionFunction.EndsWith,
    };

    private static readonly Dictionary<string, AggregateFunction> AggregateFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["COUNT"] = AggregateFunction.Count,
        ["SUM"] = AggregateFunction.Sum,
        ["AVG"] = AggregateFunction.Avg,
        ["MIN"] = AggregateFunction.Min,
        ["MAX"] = AggregateFunction.Max,
    };

    private static readonly Dictionary<string, ComparisonOperator> ComparisonSymbols = new()
    {
        ["="] = ComparisonOperator.Equal,
        ["!="] = ComparisonOperator.NotEqual,
        ["<>"] = ComparisonOperator.NotEqual,
        ["<"] = ComparisonOperator.Less,
        ["<="] = ComparisonOperator.LessOrEqual,
        [">"] = ComparisonOperator.Greater,
        [">="] = ComparisonOperator.GreaterOrEqual,
    };

    private static readonly QuerySource[] KnownSources = [QuerySource.Devices, QuerySource.DeviceJobs];

    private readonly IReadOnlyList<Token> _tokens;
    private QuerySource _source;
    private int _index;
    private int _depth;

    private Parser(IReadOnlyList<Token> tokens, QuerySource source)
    {
        _tokens = tokens;
        _source = source;
    }

    public static QueryStatement ParseStatement(string text)
    {
        var parser = new Parser(Lexer.Tokenize(text), QuerySource.Devices);
        return parser.Statement();
    }

    public static Condition ParseCondition(string text, QuerySource source)
    {
        var parser = new Parser(Lexer.Tokenize(text), source);
        if (parser.Current.IsKeyword("SELECT"))
        {
            throw QueryException.Syntax(parser.Current.Position, "a job condition is only the WHERE part of a query, without SELECT ... FROM ... WHERE");
        }

        if (parser.Current.IsKeyword("WHERE"))
        {
            throw QueryException.Syntax(parser.Current.Position, "a job condition is only the WHERE part of a query; leave out the word WHERE");
        }

        var condition = parser.Or();
        parser.ExpectEnd("AND, OR or the end of the condition");
        return condition;
    }

    private Token Current => _tokens[_index];

    private Token PeekToken(int ahead) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private Token Advance()
    {
        var token = Current;
        if (token.Kind != TokenKind.End)
        {
            _index++;
        }

        return token;
    }

    private bool AcceptKeyword(string keyword)
    {
        if (Current.IsKeyword(keyword))
        {
            _index++;
            return true;
        }

        return false;
    }

    private bool AcceptSymbol(string symbol)
    {
        if (Current.IsSymbol(symbol))
        {
            _index++;
            return true;
        }

        return false;
    }

    private QueryException Expected(string what) =>
        QueryException.Syntax(Current.Position, $"expected {what} but found {Current.Describe()}");

    private void ExpectKeyword(string keyword)
    {
        if (!AcceptKeyword(keyword))
        {
            throw Expected(keyword);
        }
    }

    private void ExpectSymbol(string symbol, string context)
    {
        if (!AcceptSymbol(symbol))
        {
            throw Expected($"'{symbol}' {context}");
        }
    }

    private void ExpectEnd(string expected)
    {
        if (Current.Kind != TokenKind.End)
        {
            throw Expected(expected);
        }
    }

    private QueryStatement Statement()
    {
        ExpectKeyword("SELECT");
        var top = AcceptKeyword("TOP") ? TopCount() : (long?)null;

        var fromIndex = FindFrom();
        var selectStart = _index;
        _index = fromIndex + 1;
        _source = Collection();
        var afterCollection = _index;

        _index = selectStart;
        var select = SelectList();
        if (_index != fromIndex)
        {
            throw Expected("',' or FROM");
        }

        _index = afterCollection;
        var where = AcceptKeyword("WHERE") ? Or() : ConstantCondition.True;
        var groupBy = new List<PropertyPath>();
        if (AcceptKeyword("GROUP"))
        {
            ExpectKeyword("BY");
            do
            {
                groupBy.Add(Path("after GROUP BY"));
            }
            while (AcceptSymbol(","));
        }

        ExpectEnd(groupBy.Count > 0 ? "',' or the end of the query" : "WHERE, GROUP BY, AND, OR or the end of the query");
        var statement = new QueryStatement(select, top, _source, where, groupBy);
        StatementRules.Check(statement);
        return statement;
    }

    private long TopCount()
    {
        var token = Current;
        if (token.Kind != TokenKind.Number || token.Number != decimal.Truncate(token.Number) || token.Number > long.MaxValue)
        {
            throw Expected("a whole number of at least 0 after TOP");
        }

        Advance();
        return (long)token.Number;
    }

    private int FindFrom()
    {
        for (var i = _index; i < _tokens.Count; i++)
        {
            if (_tokens[i].IsKeyword("FROM") && (i == 0 || !_tokens[i - 1].IsSymbol(".")))
            {
                return i;
            }
        }

        throw QueryException.Syntax(_tokens[^1].Position, "expected FROM followed by a collection (devices or devices.jobs)");
    }

    private QuerySource Collection()
    {
        var start = Current;
        var names = new List<string>();
        do
        {
            if (Current.Kind != TokenKind.Identifier)
            {
                throw Expected("a collection name (devices or devices.jobs) after FROM");
            }

            names.Add(Advance().Text);
        }
        while (AcceptSymbol("."));

        var collection = string.Join('.', names);
        var source = KnownSources.FirstOrDefault(s => string.Equals(s.Collection, collection, StringComparison.OrdinalIgnoreCase));
        if (source is not null)
        {
            return source;
        }

        if (string.Equals(collection, "devices.modules", StringComparison.OrdinalIgnoreCase))
        {
            throw QueryException.Invalid(start.Position, "the collection devices.modules (module twins) is not supported; use devices or devices.jobs");
        }

        throw QueryException.Invalid(start.Position, $"unknown collection '{collection}'; use devices or devices.jobs");
    }

    private List<SelectItem> SelectList()
    {
        var items = new List<SelectItem>();
        if (AcceptSymbol("*"))
        {
            if (Current.IsSymbol(","))
            {
                throw QueryException.Syntax(Current.Position, "'*' cannot be combined with other properties in SELECT");
            }

            return items;
        }

        var unnamed = 0;
        do
        {
            items.Add(SelectItem(ref unnamed));
        }
        while (AcceptSymbol(","));

        return items;
    }

    private SelectItem SelectItem(ref int unnamed)
    {
        var start = Current;
        if (start.Kind == TokenKind.Identifier && PeekToken(1).IsSymbol("("))
        {
            if (!AggregateFunctions.TryGetValue(start.Text, out var function))
            {
                throw QueryException.Syntax(start.Position, $"unknown function '{start.Text}' in SELECT; use COUNT, SUM, AVG, MIN or MAX");
            }

            Advance();
            Advance();
            PropertyPath? argument = null;
            if (function == AggregateFunction.Count)
            {
                if (!AcceptSymbol("*") && !Current.IsSymbol(")"))
                {
                    argument = Path($"inside {start.Text.ToUpperInvariant()}()");
                }
            }
            else
            {
                argument = Path($"inside {start.Text.ToUpperInvariant()}()");
            }

            ExpectSymbol(")", $"to close {start.Text.ToUpperInvariant()}(");
            var name = Alias() ?? "$" + ++unnamed;
            return new AggregateSelection(function, argument, name, start.Position);
        }

        if (start.IsSymbol("*"))
        {
            throw QueryException.Syntax(start.Position, "'*' cannot be combined with other properties in SELECT");
        }

        var path = Path("in SELECT");
        return new PropertySelection(path, Alias() ?? path.LastSegment, start.Position);
    }

    private string? Alias()
    {
        if (!AcceptKeyword("AS"))
        {
            return null;
        }

        var token = Current;
        if (token.Kind == TokenKind.QuotedIdentifier || (token.Kind == TokenKind.Identifier && !Keywords.IsReserved(token.Text)))
        {
            Advance();
            return token.Value;
        }

        throw Expected("a name after AS");
    }

    private PropertyPath Path(string context)
    {
        var first = Current;
        if (!IsPathStart(first))
        {
            throw Expected($"a property path {context}");
        }

        var segments = new List<string> { Advance().Value };
        while (AcceptSymbol("."))
        {
            if (Current.Kind is not (TokenKind.Identifier or TokenKind.QuotedIdentifier))
            {
                throw Expected("a property name after '.'");
            }

            if (segments.Count == QueryLimits.MaxPathSegments)
            {
                throw QueryException.Invalid(
                    Current.Position,
                    $"the property path at position {first.Position} has more than {QueryLimits.MaxPathSegments} segments; no twin is that deep");
            }

            segments.Add(Advance().Value);
        }

        return _source.Canonicalize(segments, first.Position);
    }

    private static bool IsPathStart(Token token) =>
        token.Kind == TokenKind.QuotedIdentifier || (token.Kind == TokenKind.Identifier && !Keywords.IsReserved(token.Text));

    private Condition Or()
    {
        var terms = new List<Condition> { And() };
        while (AcceptKeyword("OR"))
        {
            terms.Add(And());
        }

        return Balanced(terms, 0, terms.Count, static (left, right) => new OrCondition(left, right));
    }

    private Condition And()
    {
        var terms = new List<Condition> { Not() };
        while (AcceptKeyword("AND"))
        {
            terms.Add(Not());
        }

        return Balanced(terms, 0, terms.Count, static (left, right) => new AndCondition(left, right));
    }

    /// <summary>
    /// AND and OR are associative, also with undefined, so <c>a OR b OR c OR d</c> may as well be
    /// <c>(a OR b) OR (c OR d)</c>: a chain of a thousand terms is then ten levels deep, not a thousand, for every
    /// recursion over the tree (compiler, evaluator) and in the SQL. The terms keep their order.
    /// </summary>
    private static Condition Balanced(List<Condition> terms, int start, int count, Func<Condition, Condition, Condition> join)
    {
        if (count == 1)
        {
            return terms[start];
        }

        var half = count / 2;
        return join(Balanced(terms, start, half, join), Balanced(terms, start + half, count - half, join));
    }

    private Condition Not()
    {
        if (Current.IsKeyword("NOT"))
        {
            Nest(Advance());
            var not = new NotCondition(Not());
            _depth--;
            return not;
        }

        return Primary();
    }

    /// <summary>Enters one level of parentheses or NOT; the parser, compiler and evaluator recurse once per level.</summary>
    private void Nest(Token opener)
    {
        if (++_depth > QueryLimits.MaxNestingDepth)
        {
            throw QueryException.Invalid(
                opener.Position,
                $"conditions may nest at most {QueryLimits.MaxNestingDepth} parentheses and NOTs inside each other; this '{opener.Text}' is level {_depth}");
        }
    }

    private Condition Primary()
    {
        var start = Current;
        if (Current.IsSymbol("("))
        {
            Nest(Advance());
            var inner = Or();
            ExpectSymbol(")", "to close the '(' at position " + start.Position);
            _depth--;
            return inner;
        }

        if (start.IsSymbol("*"))
        {
            throw QueryException.Syntax(start.Position, "'*' (all devices) must be the whole condition");
        }

        if (start.Kind == TokenKind.Identifier && PeekToken(1).IsSymbol("("))
        {
            return Function();
        }

        var startsValue = IsPathStart(start) || start.Kind is TokenKind.String or TokenKind.Number || start.IsSymbol("-")
            || start.IsKeyword("TRUE") || start.IsKeyword("FALSE") || start.IsKeyword("NULL") || start.IsKeyword("UNDEFINED");
        if (!startsValue)
        {
            throw Expected("a condition");
        }

        var left = Operand("at the start of a condition");
        var operatorToken = Current;
        if (operatorToken.Kind == TokenKind.Symbol && ComparisonSymbols.TryGetValue(operatorToken.Text, out var op))
        {
            Advance();
            var right = Operand($"after '{operatorToken.Text}'");
            RejectArithmetic();
            return new ComparisonCondition(left, op, right);
        }

        if (operatorToken.IsKeyword("IN") || operatorToken.IsKeyword("NIN") || operatorToken.IsKeyword("NOT"))
        {
            var negated = !operatorToken.IsKeyword("IN");
            Advance();
            if (operatorToken.IsKeyword("NOT"))
            {
                ExpectKeyword("IN");
            }

            if (left is not PropertyPath path)
            {
                throw QueryException.Syntax(left.Position, $"{operatorToken.Text.ToUpperInvariant()} needs a property path on its left");
            }

            return new InCondition(path, ArrayConstant(operatorToken.Text.ToUpperInvariant()), negated);
        }

        RejectArithmetic();
        return left switch
        {
            PropertyPath path => new ComparisonCondition(path, ComparisonOperator.Equal, new BooleanLiteral(true, path.Position)),
            BooleanLiteral boolean => new ConstantCondition(boolean.Value),
            _ => throw Expected($"a comparison operator after {start.Describe()}"),
        };
    }

    private void RejectArithmetic()
    {
        if (Current.Kind == TokenKind.Symbol && Current.Text is "+" or "-" or "*" or "/" or "%")
        {
            throw QueryException.Invalid(Current.Position, $"arithmetic ('{Current.Text}') is not supported in conditions");
        }
    }

    private Condition Function()
    {
        var name = Advance();
        if (AggregateFunctions.ContainsKey(name.Text))
        {
            throw QueryException.Invalid(name.Position, $"the aggregate {name.Text.ToUpperInvariant()} is only allowed in SELECT");
        }

        if (!ConditionFunctions.TryGetValue(name.Text, out var function))
        {
            throw QueryException.Invalid(
                name.Position,
                $"unknown function '{name.Text}'; supported are IS_DEFINED, IS_NULL, IS_STRING, IS_NUMBER, IS_BOOL, STARTSWITH, ENDSWITH");
        }

        var upper = name.Text.ToUpperInvariant();
        Advance();
        var path = Path($"as the first argument of {upper}");
        string? argument = null;
        if (function is ConditionFunction.StartsWith or ConditionFunction.EndsWith)
        {
            ExpectSymbol(",", $"and a second argument for {upper}");
            if (Current.Kind != TokenKind.String)
            {
                throw Expected($"a string as the second argument of {upper}");
            }

            argument = Advance().Value;
        }

        ExpectSymbol(")", $"to close {upper}(");
        if (Current.Kind == TokenKind.Symbol && ComparisonSymbols.ContainsKey(Current.Text))
        {
            throw QueryException.Invalid(Current.Position, $"the result of {upper} cannot be compared; use {upper}(...) or NOT {upper}(...) as a condition");
        }

        return new FunctionCondition(function, path, argument);
    }

    private Operand Operand(string context)
    {
        var token = Current;
        if (token.Kind == TokenKind.Identifier && PeekToken(1).IsSymbol("(") && !Keywords.IsReserved(token.Text))
        {
            throw QueryException.Invalid(token.Position, $"the function {token.Text} cannot be used as a value here");
        }

        if (IsPathStart(token))
        {
            return Path(context);
        }

        if (token.IsSymbol("["))
        {
            throw QueryException.Syntax(token.Position, "array constants are only allowed after IN or NIN");
        }

        return Constant(context);
    }

    private Literal Constant(string context)
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.String:
                Advance();
                return new StringLiteral(token.Value, token.Position);
            case TokenKind.Number:
                Advance();
                return new NumberLiteral(token.Number, token.Position);
            case TokenKind.Symbol when token.Text == "-" && PeekToken(1).Kind == TokenKind.Number:
                Advance();
                return new NumberLiteral(-Advance().Number, token.Position);
        }

        if (token.IsKeyword("TRUE") || token.IsKeyword("FALSE"))
        {
            Advance();
            return new BooleanLiteral(token.IsKeyword("TRUE"), token.Position);
        }

        if (token.IsKeyword("NULL"))
        {
            Advance();
            return new NullLiteral(token.Position);
        }

        if (token.IsKeyword("UNDEFINED"))
        {
            Advance();
            return new UndefinedLiteral(token.Position);
        }

        throw Expected($"a value {context}");
    }

    private List<Literal> ArrayConstant(string keyword)
    {
        var open = Current;
        string close;
        if (AcceptSymbol("["))
        {
            close = "]";
        }
        else if (AcceptSymbol("("))
        {
            close = ")";
        }
        else
        {
            throw Expected($"an array like ['a', 'b'] after {keyword}");
        }

        var values = new List<Literal>();
        if (AcceptSymbol(close))
        {
            return values;
        }

        do
        {
            if (IsPathStart(Current))
            {
                throw QueryException.Syntax(Current.Position, $"{keyword} lists may only contain constants, not '{Current.Text}'");
            }

            values.Add(Constant($"in the {keyword} list"));
        }
        while (AcceptSymbol(","));

        ExpectSymbol(close, $"to close the list at position {open.Position}");
        return values;
    }
}
