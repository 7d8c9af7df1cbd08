namespace IotHubJobs.Query.Ast;

public sealed record NullLiteral(int Position) : Literal(Position);
