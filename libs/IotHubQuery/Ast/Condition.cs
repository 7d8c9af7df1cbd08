namespace IotHubJobs.Query.Ast;

/// <summary>
/// A WHERE condition. Conditions have three values: true, false and undefined (a comparison with a missing
/// property or with a value of another kind). Only true selects an item; NOT keeps undefined undefined,
/// like Cosmos DB / SQL: NOT (tags.x = 'a') does not match a device that has no tags.x.
/// </summary>
public abstract record Condition;
