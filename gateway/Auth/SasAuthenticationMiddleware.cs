using IotHubJobs.IotHubErrors;
using Gateway.Devices;
using Gateway.Proxy;
using Gateway.Routing;
using IotHubJobs.Security;
using IotHubJobs.ServiceDefaults;
using Microsoft.Net.Http.Headers;

namespace Gateway.Auth;

/// <summary>
/// Every request except the gateway's own health and metrics endpoints and device connections (MQTT over WebSocket,
/// authenticated at its CONNECT by the device gateway, Devices/DeviceWebSocket.cs) must carry a valid
/// <c>SharedAccessSignature</c> of a policy with the right the request needs. Refusals are 401
/// IotHubUnauthorizedAccess; neither the header nor any key or signature is ever logged. A valid token for a method
/// and path that name no operation gets 404 (<see cref="UnknownOperation"/>): authentication comes first.
/// On success the token is removed and <c>x-iothub-policy</c> names the policy for jobs-api.
/// </summary>
public sealed class SasAuthenticationMiddleware(
    RequestDelegate next, SharedAccessSignatureValidator validator, ILogger<SasAuthenticationMiddleware> log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        request.Headers.Remove(SasAuthentication.PolicyHeader); // never trust a client's claim
        if (!context.IsProxied() || context.IsDeviceConnection())
        {
            await next(context);
            return;
        }

        var authorization = request.Headers[HeaderNames.Authorization];
        var result = authorization.Count > 1
            ? SasValidationResult.Failure("More than one Authorization header")
            : validator.Validate(authorization.ToString());
        if (!result.Succeeded)
        {
            await Refuse(context, result.FailureReason!);
            return;
        }

        var policy = result.Policy!;
        var required = IotHubPermissions.RequiredRights(request.Method, request.Path.Value ?? "/");
        if (required == AccessRights.None)
        {
            await UnknownOperation.AnswerAsync(context, log);
            return;
        }

        if ((required & policy.Rights) == AccessRights.None)
        {
            await Refuse(context, $"The policy '{policy.Name}' lacks the right this operation needs");
            return;
        }

        context.Features.Set(new IotHubPolicyFeature(policy));
        request.Headers.Remove(HeaderNames.Authorization);
        request.Headers[SasAuthentication.PolicyHeader] = policy.Name;
        await next(context);
    }

    private Task Refuse(HttpContext context, string reason)
    {
        log.LogInformation("Refused {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, reason);
        var message = reason == "Authorization header missing" ? reason : $"Unauthorized: {reason}";
        return IotHubErrorResponse.WriteAsync(context, IotHubError.IotHubUnauthorizedAccess, message);
    }
}
