using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// A minimal OTLP/HTTP (protobuf) receiver inside the test process: every service exports its spans here, and
/// tests assert on what arrived. It decodes only the fields the assertions need, straight from the wire format.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public sealed record SpanLink(string TraceId, string SpanId);

    public sealed record Span(string Service, string TraceId, string SpanId, string ParentSpanId, string Name,
        IReadOnlyDictionary<string, string> Attributes, IReadOnlyList<SpanLink> Links);

    public ConcurrentQueue<Span> Spans { get; } = new();
    public string Endpoint { get; private set; } = "";

    public void Start(int port)
    {
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            try
            {
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                if (context.Request.Url?.AbsolutePath == "/v1/traces") Decode(body.ToArray());
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
            }
            catch (Exception)
            {
                context.Response.StatusCode = 400;
            }
            context.Response.Close();
        }
    }

    private void Decode(byte[] request)
    {
        foreach (var resourceSpans in Fields(request, 1))
        {
            var service = "";
            foreach (var resource in Fields(resourceSpans, 1))
                if (Attributes(resource, 1).TryGetValue("service.name", out var name)) service = name;
            foreach (var scopeSpans in Fields(resourceSpans, 2))
                foreach (var span in Fields(scopeSpans, 2))
                    Spans.Enqueue(DecodeSpan(service, span));
        }
    }

    private static Span DecodeSpan(string service, byte[] span)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var links = new List<SpanLink>();
        var input = new CodedInputStream(span);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: traceId = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 2: spanId = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 4: parent = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 5: name = input.ReadString(); break;
                case 13:
                    var link = input.ReadBytes().ToByteArray();
                    links.Add(new SpanLink(Convert.ToHexStringLower(Fields(link, 1).FirstOrDefault() ?? []),
                        Convert.ToHexStringLower(Fields(link, 2).FirstOrDefault() ?? [])));
                    break;
                default: input.SkipLastField(); break;
            }
        }
        return new Span(service, traceId, spanId, parent, name, Attributes(span, 9), links);
    }

    /// <summary>String-valued attributes (KeyValue{1: key, 2: AnyValue{1: string_value}}) in field <paramref name="field"/>.</summary>
    private static Dictionary<string, string> Attributes(byte[] message, int field)
    {
        var attributes = new Dictionary<string, string>();
        foreach (var keyValue in Fields(message, field))
        {
            var key = Fields(keyValue, 1).FirstOrDefault();
            var value = Fields(keyValue, 2).FirstOrDefault();
            var text = value is null ? null : Fields(value, 1).FirstOrDefault();
            if (key is not null && text is not null) attributes[System.Text.Encoding.UTF8.GetString(key)] = System.Text.Encoding.UTF8.GetString(text);
        }
        return attributes;
    }

    /// <summary>The raw bytes of every length-delimited occurrence of a field.</summary>
    private static List<byte[]> Fields(byte[] message, int field)
    {
        var found = new List<byte[]>();
        var input = new CodedInputStream(message);
        for (uint tag; (tag = input.ReadTag()) != 0;)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                found.Add(input.ReadBytes().ToByteArray());
            else
                input.SkipLastField();
        }
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        if (_loop is not null) await _loop;
        _listener.Close();
    }
}
