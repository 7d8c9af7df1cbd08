namespace IotHubJobs.Query.Ast;

/// <summary>A parsed <c>SELECT</c>. An empty <paramref name="Select"/> means <c>SELECT *</c>.</summary>
public sealed record QueryStatement(
    IReadOnlyList<SelectItem> Select,
    long? Top,
    QuerySource From,
    Condition Where,
    IReadOnlyList<PropertyPath> GroupBy)
{
    public bool SelectsAll => Select.Count == 0;

    public bool IsAggregate => GroupBy.Count > 0 || Select.Any(s => s is AggregateSelection);
}
