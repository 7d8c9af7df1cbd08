namespace IotHubJobs.Query.Ast;

/// <summary>One projected property; <paramref name="Name"/> is the alias or the path's last segment.</summary>
public abstract record SelectItem(string Name, int Position);
