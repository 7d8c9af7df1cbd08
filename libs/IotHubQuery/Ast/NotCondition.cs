namespace IotHubJobs.Query.Ast;

public sealed record NotCondition(Condition Operand) : Condition;
