namespace IotHubJobs.Query.Ast;

/// <summary>
/// <c>path IN [..]</c>, or <c>NIN</c> when <paramref name="Negated"/>. Defined as the OR of <c>path = value</c>
/// over the values, and NIN as its NOT, so undefined propagates exactly as for <c>=</c>.
/// </summary>
public sealed record InCondition(PropertyPath Path, IReadOnlyList<Literal> Values, bool Negated) : Condition;
