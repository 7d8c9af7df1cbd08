namespace IotHubJobs.Query.Syntax;

internal enum TokenKind
{
    Identifier,
    QuotedIdentifier,
    String,
    Number,
    Symbol,
    End,
}
