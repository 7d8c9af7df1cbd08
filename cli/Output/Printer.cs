using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace IotHubJobs.Cli.Output;

/// <summary>
/// Everything a command prints: results on stdout (JSON or tables), progress and errors on stderr, so that
/// <c>iotjobs ... --output json | jq</c> sees nothing but the result. Redirected output gets no colours and a wide page,
/// so tables are not wrapped at 80 columns in a log.
/// </summary>
public sealed class Printer
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // the hub's own text, written readably (docs/iothub-api.md, "JSON text")
    };

    public Printer(OutputFormat format, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        Format = format;
        Out = Console(stdout ?? System.Console.Out, stdout is null && System.Console.IsOutputRedirected);
        Error = Console(stderr ?? System.Console.Error, stderr is null && System.Console.IsErrorRedirected);
        ErrorIsInteractive = stderr is null && !System.Console.IsErrorRedirected && Error.Profile.Capabilities.Interactive;
    }

    public OutputFormat Format { get; }
    public IAnsiConsole Out { get; }

    /// <summary>Progress, notes and errors.</summary>
    public IAnsiConsole Error { get; }

    /// <summary>True when stderr is a terminal, where progress can redraw itself in place.</summary>
    public bool ErrorIsInteractive { get; }

    public void Json(JsonNode? node) => Out.Profile.Out.Writer.WriteLine(node?.ToJsonString(Indented) ?? "null");

    public void Render(IRenderable renderable) => Out.Write(renderable);

    public void Line(string text) => Out.Profile.Out.Writer.WriteLine(text);

    public void Note(string text) => Error.MarkupLine($"[grey]{Markup.Escape(text)}[/]");

    public void Fail(string text) => Error.MarkupLine($"[red]error:[/] {Markup.Escape(text)}");

    /// <summary>JSON for scripts, otherwise the table a command builds.</summary>
    public void Result(JsonNode? json, Func<IRenderable> table)
    {
        if (Format == OutputFormat.Json) Json(json);
        else Render(table());
    }

    private static IAnsiConsole Console(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected) console.Profile.Width = 200;
        return console;
    }
}
