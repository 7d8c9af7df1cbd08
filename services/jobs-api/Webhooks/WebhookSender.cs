using System.Net.Http.Headers;
using System.Net.Sockets;
using JobsApi.Events;

namespace JobsApi.Webhooks;

/// <summary>
/// POSTs one batch to a subscriber (docs/events.md, "Delivery" and "Signatures"): one CloudEvent as
/// <c>application/cloudevents+json</c>, several as an <c>application/cloudevents-batch+json</c> array, signed, with a
/// timeout. Redirects are not followed, and every new connection checks the address it goes to (DNS rebinding).
/// </summary>
public sealed class WebhookSender : IDisposable
{
    private readonly HttpClient _http;
    private readonly TimeProvider _clock;
    private readonly WebhookOptions _options;

    public WebhookSender(WebhookUrlPolicy policy, TimeProvider clock, WebhookOptions options)
    {
        _clock = clock;
        _options = options;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            // A pooled connection was checked when it was opened; renewing it now and then makes a name resolved again.
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = async (context, ct) =>
            {
                var host = context.DnsEndPoint.Host;
                var addresses = await policy.ConnectableAsync(host, ct);
                if (addresses.Length == 0) throw new WebhookAddressRefusedException(host);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("iothub-jobs-webhooks/1.0");
    }

    public async Task<DeliveryResult> SendAsync(WebhookSubscription subscription, IReadOnlyList<HubEvent> batch, CancellationToken ct)
    {
        var body = Body(batch);
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(
            batch.Count == 1 ? "application/cloudevents+json" : "application/cloudevents-batch+json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookSignature.NameHeader, subscription.Name);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(subscription.Secret, timestamp, body));

        using var timeout = new CancellationTokenSource(_options.Timeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            return DeliveryResult.Status((int)response.StatusCode);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return DeliveryResult.Failure(DeliveryResult.Timeout);
        }
        catch (HttpRequestException e) when (e.InnerException is WebhookAddressRefusedException)
        {
            return DeliveryResult.Failure(DeliveryResult.AddressNotAllowed);
        }
        catch (HttpRequestException)
        {
            return DeliveryResult.Failure(DeliveryResult.ConnectionFailed);
        }
    }

    /// <summary>One event as itself; several as a JSON array in log order.</summary>
    public static byte[] Body(IReadOnlyList<HubEvent> batch)
    {
        if (batch.Count == 1) return batch[0].Utf8Json;
        using var body = new MemoryStream(batch.Sum(e => e.Utf8Json.Length + 1) + 1);
        body.WriteByte((byte)'[');
        for (var i = 0; i < batch.Count; i++)
        {
            if (i > 0) body.WriteByte((byte)',');
            body.Write(batch[i].Utf8Json);
        }
        body.WriteByte((byte)']');
        return body.ToArray();
    }

    public void Dispose() => _http.Dispose();
}
