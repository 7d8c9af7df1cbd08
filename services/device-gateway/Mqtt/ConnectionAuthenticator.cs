using System.Net;
using System.Threading.RateLimiting;
using DeviceGateway.Connections;
using DeviceGateway.Protocol;
using IotHubJobs.Registry;
using IotHubJobs.Security;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Npgsql;

namespace DeviceGateway.Mqtt;

/// <summary>
/// Decides every CONNECT as IoT Hub does (docs/devices.md, "Authentication"): MQTT 3.1.1 only; a connect rate per source
/// address (over it: return code 3, server unavailable, which the SDKs retry with backoff); the user name
/// <c>{host}/{deviceId}/?…</c> for the client id; and a SAS token of the device's key or of a policy with DeviceConnect,
/// checked against the registry entry read now — so a regenerated key is refused from the next CONNECT on. Refusals:
/// return code 4 for bad credentials, 5 for an unknown or disabled device.
/// </summary>
public sealed class ConnectionAuthenticator(DeviceConnections registry, DeviceTokenValidator tokens, ConnectedDevices devices,
    PendingConnects pending, DeviceGatewayOptions options, ILogger<ConnectionAuthenticator> logger) : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _connects = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address =>
        RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.ConnectsPerSecondPerAddress,
            TokensPerPeriod = options.ConnectsPerSecondPerAddress,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public void Attach(MqttServer server) => server.ValidatingConnectionAsync += ValidateAsync;

    private async Task ValidateAsync(ValidatingConnectionEventArgs e)
    {
        var address = (e.RemoteEndPoint as IPEndPoint)?.Address ?? IPAddress.None;
        using var permit = _connects.AttemptAcquire(address);
        if (!permit.IsAcquired)
        {
            Refuse(e, MqttConnectReasonCode.ServerUnavailable, "throttled", "too many connects from its address");
            return;
        }
        if (e.ProtocolVersion != MqttProtocolVersion.V311)
        {
            Refuse(e, MqttConnectReasonCode.UnsupportedProtocolVersion, "malformed", "only MQTT 3.1.1 is served");
            return;
        }
        var deviceId = e.ClientId ?? "";
        if (deviceId.Length is 0 or > 128 || deviceId.Contains('/'))
        {
            Refuse(e, MqttConnectReasonCode.ClientIdentifierNotValid, "malformed", "the client id is not a device id (modules are not served)");
            return;
        }
        if (DeviceUserName.Problem(e.UserName, deviceId, options.HostName) is { } problem)
        {
            Refuse(e, MqttConnectReasonCode.BadUserNameOrPassword, "bad_credentials", problem);
            return;
        }

        DeviceConnections.Credentials? credentials;
        try
        {
            credentials = await registry.CredentialsAsync(deviceId, e.CancellationToken);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            logger.LogWarning(ex, "The registry could not be read for the CONNECT of {DeviceId}", deviceId);
            Refuse(e, MqttConnectReasonCode.ServerUnavailable, "unavailable", "the registry does not answer");
            return;
        }
        var keys = credentials is null ? null : new DeviceKeys(credentials.Enabled, credentials.PrimaryKey, credentials.SecondaryKey);
        var result = tokens.Validate(e.Password, deviceId, keys);
        switch (result.Verdict)
        {
            case DeviceConnectVerdict.BadCredentials:
                Refuse(e, MqttConnectReasonCode.BadUserNameOrPassword, "bad_credentials", result.Reason!);
                return;
            case DeviceConnectVerdict.NotAuthorized:
                Refuse(e, MqttConnectReasonCode.NotAuthorized, "not_authorized", result.Reason!);
                return;
        }
        if (e.CleanSession == true) devices.ForgetSession(deviceId);
        pending.Accepted(deviceId, result.ExpiresAt);
        GatewayMetrics.Connect("accepted");
    }

    private void Refuse(ValidatingConnectionEventArgs e, MqttConnectReasonCode code, string metric, string reason)
    {
        e.ReasonCode = code;
        GatewayMetrics.Connect(metric);
        // Never the password: only who tried and why it was refused.
        logger.LogInformation("Refused the CONNECT of {ClientId} from {Remote}: {Reason}", ShortId(e.ClientId), e.RemoteEndPoint, reason);
    }

    private static string ShortId(string? id) => IotHubJobs.IotHubErrors.ClientText.Shorten(id ?? "", 128);

    public void Dispose() => _connects.Dispose();
}
