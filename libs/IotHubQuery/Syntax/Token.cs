using IotHubJobs.IotHubErrors;

namespace IotHubJobs.Query.Syntax;

/// <param name="Text">The raw source text, used in error messages.</param>
/// <param name="Value">The decoded string for strings and quoted identifiers, the name for identifiers.</param>
/// <param name="Position">1-based character position in the query.</param>
internal readonly record struct Token(TokenKind Kind, string Text, string Value, decimal Number, int Position)
{
    public bool IsSymbol(string symbol) => Kind == TokenKind.Symbol && Text == symbol;

    public bool IsKeyword(string keyword) =>
        Kind == TokenKind.Identifier && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the query",
        TokenKind.String => $"the string {ClientText.Shorten(Text, 40)}",
        _ => $"'{ClientText.Shorten(Text, 40)}'",
    };
}
