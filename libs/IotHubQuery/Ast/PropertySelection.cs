namespace IotHubJobs.Query.Ast;

public sealed record PropertySelection(PropertyPath Path, string Name, int Position) : SelectItem(Name, Position);
