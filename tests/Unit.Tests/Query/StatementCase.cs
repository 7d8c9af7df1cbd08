namespace Unit.Tests.Query;

/// <summary>A full query over <see cref="FixtureFleet"/> and its exact result items, in order, as a JSON array.</summary>
public sealed record StatementCase(string Query, string ExpectedItemsJson);
