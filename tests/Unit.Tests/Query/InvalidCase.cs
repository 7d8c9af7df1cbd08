namespace Unit.Tests.Query;

/// <summary>Text that must be rejected, with a fragment of the expected message (including the position).</summary>
public sealed record InvalidCase(string Text, string ExpectedMessage);
