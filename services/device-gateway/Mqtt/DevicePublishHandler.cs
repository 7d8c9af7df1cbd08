using System.Buffers;
using DeviceGateway.Connections;
using DeviceGateway.Methods;
using DeviceGateway.Protocol;
using DeviceGateway.Twins;
using IotHubJobs.Contracts.Devices;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace DeviceGateway.Mqtt;

/// <summary>
/// Every PUBLISH of a device is consumed here and never routed to other clients (docs/devices.md, "Protocol"): method
/// answers complete their call, twin requests are answered, telemetry is acknowledged (QoS 1) and dropped — not
/// supported, counted. A device that publishes to a topic the hub does not serve (another device's, or none), uses QoS 2
/// (IoT Hub closes such a connection too) or exceeds its publish rate is disconnected; nobody else notices.
/// </summary>
public sealed class DevicePublishHandler(ConnectedDevices devices, PendingMethodCalls methods, TwinRequests twins, TimeProvider clock,
    ILogger<DevicePublishHandler> logger)
{
    public void Attach(MqttServer server) => server.InterceptingPublishAsync += PublishAsync;

    private async Task PublishAsync(InterceptingPublishEventArgs e)
    {
        if (string.IsNullOrEmpty(e.ClientId)) return; // the server's own messages; it sends none
        e.ProcessPublish = false;
        if (!devices.TryGet(e.ClientId, out var connection))
        {
            e.CloseConnection = true;
            return;
        }
        var message = e.ApplicationMessage;
        if (message.QualityOfServiceLevel == MqttQualityOfServiceLevel.ExactlyOnce)
        {
            Close(e, "qos2", "published with QoS 2");
            return;
        }
        if (!connection.TryPublish())
        {
            Close(e, "publish_rate", "published faster than its limit");
            return;
        }
        connection.Touch(clock.GetUtcNow());

        var publish = DeviceTopic.Parse(message.Topic, e.ClientId);
        switch (publish.Kind)
        {
            case DevicePublishKind.MethodResponse:
                Answer(e.ClientId, publish, message.Payload);
                break;
            case DevicePublishKind.TwinGet:
                await twins.GetAsync(e.ClientId, publish.Rid!, e.CancellationToken);
                break;
            case DevicePublishKind.ReportedPatch:
                await twins.PatchReportedAsync(e.ClientId, publish.Rid!, message.Payload.ToArray(), e.CancellationToken);
                break;
            case DevicePublishKind.Telemetry:
                GatewayMetrics.TelemetryDrop();
                break;
            default:
                Close(e, "publish_topic", "published to a topic the hub does not serve");
                break;
        }
    }

    private void Answer(string deviceId, DevicePublish publish, ReadOnlySequence<byte> payload)
    {
        var outcome = payload.Length > MethodAnswer.MaxPayloadBytes
            ? null
            : MethodAnswer.From(deviceId, publish.Status, payload.ToArray());
        if (outcome is null)
        {
            // An answer over IoT Hub's 128 KB limit is no answer: the call ends as a device that gave none in time.
            GatewayMetrics.Refusal("method_answer_too_large");
            logger.LogInformation("{DeviceId} answered {Rid} with {Bytes} bytes, over the 128 KB limit", deviceId, publish.Rid, payload.Length);
            outcome = new DeviceMethodOutcome(deviceId, DeviceMethodOutcomeKind.ResponseTimedOut, null, null);
        }
        if (!methods.Answer(deviceId, publish.Rid!, outcome)) GatewayMetrics.Refusal("method_answer_unknown_rid");
    }

    private void Close(InterceptingPublishEventArgs e, string metric, string reason)
    {
        e.CloseConnection = true;
        GatewayMetrics.Refusal(metric);
        logger.LogInformation("Disconnected {DeviceId}: it {Reason}", e.ClientId, reason);
    }
}
