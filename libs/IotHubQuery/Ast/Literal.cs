namespace IotHubJobs.Query.Ast;

public abstract record Literal(int Position) : Operand(Position);
