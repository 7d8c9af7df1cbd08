namespace IotHubJobs.Query.Ast;

/// <summary>
/// COUNT() counts items; SUM/AVG/MIN/MAX consider only numeric values of <paramref name="Argument"/>
/// (others are skipped). SUM of no numbers is 0; AVG/MIN/MAX of no numbers leave the property out.
/// </summary>
public sealed record AggregateSelection(AggregateFunction Function, PropertyPath? Argument, string Name, int Position)
    : SelectItem(Name, Position);
