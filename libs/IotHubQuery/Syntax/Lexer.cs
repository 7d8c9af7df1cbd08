using System.Globalization;
using System.Text;

namespace IotHubJobs.Query.Syntax;

internal sealed class Lexer
{
    private static readonly string[] TwoCharSymbols = ["!=", "<>", "<=", ">="];
    private const string OneCharSymbols = "=<>()[],.*+-/%";

    private readonly string _text;
    private int _index;

    private Lexer(string text) => _text = text;

    public static IReadOnlyList<Token> Tokenize(string text)
    {
        var lexer = new Lexer(text);
        var tokens = new List<Token>();
        Token token;
        do
        {
            token = lexer.Next();
            tokens.Add(token);
        }
        while (token.Kind != TokenKind.End);
        return tokens;
    }

    private int Position => _index + 1;

    private char Peek(int ahead = 0) => _index + ahead < _text.Length ? _text[_index + ahead] : '\0';

    private bool AtEnd(int ahead = 0) => _index + ahead >= _text.Length;

    private Token Next()
    {
        while (!AtEnd() && char.IsWhiteSpace(Peek()))
        {
            _index++;
        }

        if (AtEnd())
        {
            return new Token(TokenKind.End, "", "", 0, Position);
        }

        var c = Peek();
        if (c == '\'' || c == '"')
        {
            return ReadString(c);
        }

        if (char.IsAsciiDigit(c))
        {
            return ReadNumber();
        }

        if (IsIdentifierStart(c))
        {
            return ReadIdentifier();
        }

        if (c == '[' && Peek(1) == '[')
        {
            return ReadQuotedIdentifier();
        }

        foreach (var symbol in TwoCharSymbols)
        {
            if (string.CompareOrdinal(_text, _index, symbol, 0, 2) == 0)
            {
                return Symbol(symbol);
            }
        }

        if (OneCharSymbols.Contains(c))
        {
            return Symbol(c.ToString());
        }

        throw QueryException.Syntax(Position, $"unexpected character '{c}'");
    }

    private Token Symbol(string symbol)
    {
        var token = new Token(TokenKind.Symbol, symbol, symbol, 0, Position);
        _index += symbol.Length;
        return token;
    }

    private static bool IsIdentifierStart(char c) => char.IsLetter(c) || c == '_' || c == '$';

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '$';

    private Token ReadIdentifier()
    {
        var start = _index;
        while (!AtEnd() && IsIdentifierPart(Peek()))
        {
            _index++;
        }

        var name = _text[start.._index];
        return new Token(TokenKind.Identifier, name, name, 0, start + 1);
    }

    private Token ReadQuotedIdentifier()
    {
        var start = _index;
        var close = _text.IndexOf("]]", start + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            throw QueryException.Syntax(start + 1, "'[[' is never closed with ']]'");
        }

        var name = _text[(start + 2)..close];
        if (name.Length == 0)
        {
            throw QueryException.Syntax(start + 1, "'[[]]' is an empty property name");
        }

        RejectUnstorableText(name, start + 1);
        _index = close + 2;
        return new Token(TokenKind.QuotedIdentifier, _text[start.._index], name, 0, start + 1);
    }

    private Token ReadString(char quote)
    {
        var start = _index;
        var value = new StringBuilder();
        _index++;
        while (true)
        {
            if (AtEnd())
            {
                throw QueryException.Syntax(start + 1, $"the string starting here is never closed with {quote}");
            }

            var c = Peek();
            if (c == quote)
            {
                // SQL habit: a doubled quote inside a string stands for one quote. Two adjacent string
                // literals are never valid otherwise, so this cannot change the meaning of a valid query.
                if (Peek(1) == quote)
                {
                    value.Append(quote);
                    _index += 2;
                    continue;
                }

                _index++;
                break;
            }

            if (c == '\\')
            {
                value.Append(ReadEscape());
                continue;
            }

            value.Append(c);
            _index++;
        }

        RejectUnstorableText(value.ToString(), start + 1);
        return new Token(TokenKind.String, _text[start.._index], value.ToString(), 0, start + 1);
    }

    /// <summary>
    /// PostgreSQL text and jsonb cannot hold U+0000 or an unpaired surrogate, so no stored twin can contain them and
    /// sending them as parameters (or storing a job condition holding them) fails in the database instead of here.
    /// </summary>
    private static void RejectUnstorableText(string value, int position)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            var unpaired = char.IsHighSurrogate(c) ? i + 1 >= value.Length || !char.IsLowSurrogate(value[++i]) : char.IsLowSurrogate(c);
            if (c == '\0' || unpaired)
            {
                throw QueryException.Syntax(position, "strings and property names cannot contain U+0000 or an unpaired surrogate (U+D800 to U+DFFF)");
            }
        }
    }

    private string ReadEscape()
    {
        var escapePosition = Position;
        if (AtEnd(1))
        {
            throw QueryException.Syntax(escapePosition, "the string ends inside an escape sequence");
        }

        var code = Peek(1);
        _index += 2;
        switch (code)
        {
            case '\'': return "'";
            case '"': return "\"";
            case '\\': return "\\";
            case '/': return "/";
            case 'b': return "\b";
            case 'f': return "\f";
            case 'n': return "\n";
            case 'r': return "\r";
            case 't': return "\t";
            case 'u':
                if (_index + 4 <= _text.Length
                    && ushort.TryParse(_text.AsSpan(_index, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit))
                {
                    _index += 4;
                    return ((char)unit).ToString();
                }

                throw QueryException.Syntax(escapePosition, "'\\u' must be followed by four hexadecimal digits");
            default:
                throw QueryException.Syntax(escapePosition, $"unknown escape sequence '\\{code}'");
        }
    }

    private Token ReadNumber()
    {
        var start = _index;
        decimal number;
        if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X'))
        {
            _index += 2;
            var digitsStart = _index;
            while (!AtEnd() && char.IsAsciiHexDigit(Peek()))
            {
                _index++;
            }

            if (_index == digitsStart)
            {
                throw QueryException.Syntax(start + 1, "'0x' must be followed by hexadecimal digits");
            }

            RejectTrailingLetters(start);
            if (!ulong.TryParse(_text.AsSpan(digitsStart, _index - digitsStart), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            {
                throw QueryException.Syntax(start + 1, $"the number {_text[start.._index]} is too large");
            }

            number = hex;
        }
        else
        {
            SkipDigits();
            if (Peek() == '.' && char.IsAsciiDigit(Peek(1)))
            {
                _index++;
                SkipDigits();
            }

            if ((Peek() == 'e' || Peek() == 'E')
                && (char.IsAsciiDigit(Peek(1)) || ((Peek(1) == '+' || Peek(1) == '-') && char.IsAsciiDigit(Peek(2)))))
            {
                _index += 2;
                SkipDigits();
            }

            RejectTrailingLetters(start);
            var text = _text[start.._index];
            try
            {
                number = decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
            catch (OverflowException)
            {
                throw QueryException.Syntax(start + 1, $"the number {text} is out of range");
            }
        }

        var raw = _text[start.._index];
        return new Token(TokenKind.Number, raw, raw, number, start + 1);
    }

    private void SkipDigits()
    {
        while (!AtEnd() && char.IsAsciiDigit(Peek()))
        {
            _index++;
        }
    }

    private void RejectTrailingLetters(int start)
    {
        if (!AtEnd() && (IsIdentifierPart(Peek()) || Peek() == '.'))
        {
            var end = _index;
            while (end < _text.Length && (IsIdentifierPart(_text[end]) || _text[end] == '.'))
            {
                end++;
            }

            throw QueryException.Syntax(start + 1, $"'{_text[start..end]}' is not a valid number");
        }
    }
}
