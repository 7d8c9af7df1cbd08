namespace IotHubJobs.Query.Ast;

public sealed record AndCondition(Condition Left, Condition Right) : Condition;
