namespace IotHubJobs.Query.Ast;

/// <summary>One side of a comparison: a <see cref="PropertyPath"/> or a <see cref="Literal"/>.</summary>
public abstract record Operand(int Position);
