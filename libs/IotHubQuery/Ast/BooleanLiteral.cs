namespace IotHubJobs.Query.Ast;

public sealed record BooleanLiteral(bool Value, int Position) : Literal(Position);
