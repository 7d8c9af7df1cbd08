namespace IotHubJobs.Query.Ast;

/// <summary>A boolean function of a path; <paramref name="Argument"/> is the text for STARTSWITH/ENDSWITH.</summary>
public sealed record FunctionCondition(ConditionFunction Function, PropertyPath Path, string? Argument) : Condition;
