namespace IotHubJobs.Query.Ast;

/// <summary>The keyword <c>undefined</c>: every comparison with it is undefined, so it never matches.</summary>
public sealed record UndefinedLiteral(int Position) : Literal(Position);
