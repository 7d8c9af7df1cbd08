namespace Unit.Tests.Query;

/// <summary>A job condition (the WHERE part) and the fixture devices it selects.</summary>
public sealed record ConditionCase(string Condition, string[] ExpectedDeviceIds);
