namespace IotHubJobs.Query.Ast;

public sealed record StringLiteral(string Value, int Position) : Literal(Position);
