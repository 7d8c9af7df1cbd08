namespace IotHubJobs.Query.Ast;

public sealed record OrCondition(Condition Left, Condition Right) : Condition;
