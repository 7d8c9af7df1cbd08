namespace IotHubJobs.Query.Syntax;

internal static class Keywords
{
    // Words that cannot start a path unless quoted as [[word]]; after a '.' they are ordinary names.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "TOP", "AS", "AND", "OR", "NOT", "IN", "NIN",
        "TRUE", "FALSE", "NULL", "UNDEFINED",
    };

    public static bool IsReserved(string word) => Reserved.Contains(word);
}
