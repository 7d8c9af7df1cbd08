using System.Text;

namespace IotHubJobs.Cli.Import;

/// <summary>
/// Splits one CSV line (RFC 4180): fields separated by commas, a field in double quotes may hold commas and doubled
/// quotes (<c>""</c>). Line breaks inside quotes are not supported: a device file has none.
/// </summary>
public static class CsvLine
{
    public static List<string> Split(string line, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var wasQuoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"' && field.Length == 0 && !wasQuoted) { quoted = true; wasQuoted = true; }
            else if (c == ',') { fields.Add(wasQuoted ? field.ToString() : field.ToString().Trim()); field.Clear(); wasQuoted = false; }
            else field.Append(c);
        }
        if (quoted) throw new DeviceFileException($"line {lineNumber}: a quoted field is not closed");
        fields.Add(wasQuoted ? field.ToString() : field.ToString().Trim());
        return fields;
    }
}
