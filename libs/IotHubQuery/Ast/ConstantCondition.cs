namespace IotHubJobs.Query.Ast;

/// <summary>A fixed truth value: <c>*</c> as a job condition is <see cref="True"/>; null means undefined.</summary>
public sealed record ConstantCondition(bool? Value) : Condition
{
    public static ConstantCondition True { get; } = new(true);
}
