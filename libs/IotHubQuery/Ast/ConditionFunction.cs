namespace IotHubJobs.Query.Ast;

public enum ConditionFunction
{
    IsDefined,
    IsNull,
    IsString,
    IsNumber,
    IsBool,
    StartsWith,
    EndsWith,
}
