namespace IotHubJobs.Query.Ast;

public enum AggregateFunction
{
    Count,
    Sum,
    Avg,
    Min,
    Max,
}
