namespace IotHubJobs.Query.Evaluation;

/// <summary>
/// Orders strings by Unicode code point, which is how PostgreSQL's "C" collation orders UTF-8 text;
/// plain ordinal comparison of UTF-16 would put U+E000..U+FFFF after supplementary characters.
/// </summary>
internal sealed class CodePointComparer : IComparer<string>
{
    public static CodePointComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            if (x[i] != y[i])
            {
                return Fixup(x[i]).CompareTo(Fixup(y[i]));
            }
        }

        return x.Length.CompareTo(y.Length);
    }

    private static int Fixup(char c) => c < 0xD800 ? c : c >= 0xE000 ? c - 0x800 : c + 0x2000;
}
