namespace IotHubJobs.Query.Ast;

public sealed record ComparisonCondition(Operand Left, ComparisonOperator Operator, Operand Right) : Condition;
