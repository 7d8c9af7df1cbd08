using System.Text.Encodings.Web;
using System.Text.Json;

namespace Benchmark;

/// <summary>
/// How the tool writes its JSON lines: for people and scripts reading a terminal or a log, not for embedding in
/// HTML, so "+" in "sha+dirty" stays "+" rather than \u002B.
/// </summary>
public static class JsonLine
{
    public static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
