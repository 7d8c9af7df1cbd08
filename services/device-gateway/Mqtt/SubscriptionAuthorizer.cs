using DeviceGateway.Connections;
using DeviceGateway.Protocol;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace DeviceGateway.Mqtt;

/// <summary>
/// A device may subscribe only IoT Hub's own filters, and only its own (docs/devices.md, "Protocol"): methods, twin
/// responses, desired properties, and its cloud-to-device topic, which is granted and never delivered to. Anything else
/// gets SUBACK 0x80. QoS 2 is granted as 1. Nothing is stored in MQTTnet's subscription table: the gateway sends to one
/// session at a time and keeps the subscriptions itself (<see cref="SessionState"/>), so no device's PUBLISH can ever be
/// routed to another device.
/// </summary>
public sealed class SubscriptionAuthorizer(ConnectedDevices devices, ILogger<SubscriptionAuthorizer> logger)
{
    public void Attach(MqttServer server)
    {
        server.InterceptingSubscriptionAsync += SubscribeAsync;
        server.InterceptingUnsubscriptionAsync += UnsubscribeAsync;
    }

    private Task SubscribeAsync(InterceptingSubscriptionEventArgs e)
    {
        e.ProcessSubscription = false;
        var subscription = DeviceTopic.ParseFilter(e.TopicFilter.Topic, e.ClientId);
        if (subscription is null)
        {
            e.Response.ReasonCode = MqttSubscribeReasonCode.UnspecifiedError;
            GatewayMetrics.Refusal("subscribe_topic");
            logger.LogInformation("Refused a subscription of {DeviceId} to a topic the hub does not serve", e.ClientId);
            return Task.CompletedTask;
        }
        if (e.TopicFilter.QualityOfServiceLevel == MqttQualityOfServiceLevel.ExactlyOnce) e.Response.ReasonCode = MqttSubscribeReasonCode.GrantedQoS1;
        devices.Session(e.ClientId).Subscribe(subscription.Value);
        devices.Changed(e.ClientId);
        return Task.CompletedTask;
    }

    private Task UnsubscribeAsync(InterceptingUnsubscriptionEventArgs e)
    {
        e.ProcessUnsubscription = false;
        if (DeviceTopic.ParseFilter(e.Topic, e.ClientId) is { } subscription) devices.Session(e.ClientId).Unsubscribe(subscription);
        return Task.CompletedTask;
    }
}
