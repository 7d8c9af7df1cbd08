using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace DeviceGateway.Connections;

/// <summary>
/// Sends one message to one device's session, QoS 0, without matching subscriptions (docs/devices.md, "Capacity": every
/// device subscribes the same <c>$iothub/…</c> filters, and matching them per message costs a scan of all sessions).
/// Whether the device subscribed is the caller's check (<see cref="SessionState"/>).
/// </summary>
public sealed class DeviceSender(MqttServer server, ILogger<DeviceSender> logger)
{
    public Task<bool> SendAsync(string deviceId, string topic, string body) => SendAsync(deviceId, topic, Encoding.UTF8.GetBytes(body));

    /// <returns>False when the device has no session here (nothing was sent).</returns>
    public async Task<bool> SendAsync(string deviceId, string topic, byte[] body)
    {
        MqttSessionStatus session;
        try
        {
            session = await server.GetSessionAsync(deviceId);
            if (session is null) return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(body)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build();
        if (session.TryEnqueueApplicationMessage(message, out _)) return true;
        logger.LogWarning("A message to {DeviceId} was not queued (its session is full)", deviceId);
        return false;
    }
}
