namespace IotHubJobs.Query.Ast;

public sealed record NumberLiteral(decimal Value, int Position) : Literal(Position);
