using IotHubJobs.Registry;
using IotHubJobs.IotHubErrors;
using IotHubJobs.Contracts.Devices;
using IotHubJobs.DeviceTwins;
using IotHubJobs.ServiceDefaults;
using JobsApi.Devices;
using JobsApi.Http;

namespace JobsApi.Twins;

/// <summary>
/// <c>PATCH /twins/{id}</c> (merge tags and desired properties) and <c>PUT /twins/{id}</c> (replace them);
/// docs/iothub-api.md, "Device twins". <c>If-Match</c> may be quoted or bare; <c>*</c> or no header at all means
/// unconditional. The check, the change and the write happen under the twin's row lock, so two concurrent writers with
/// the same etag cannot both win.
/// </summary>
public static class UpdateTwin
{
    public static Task<IResult> Patch(string deviceId, HttpRequest request, TwinStore store, DesiredChangeNotifier notifier,
        TimeProvider clock, CancellationToken ct) => WriteAsync(deviceId, request, store, notifier, clock, replace: false, ct);

    public static Task<IResult> Replace(string deviceId, HttpRequest request, TwinStore store, DesiredChangeNotifier notifier,
        TimeProvider clock, CancellationToken ct) => WriteAsync(deviceId, request, store, notifier, clock, replace: true, ct);

    private static async Task<IResult> WriteAsync(string deviceId, HttpRequest request, TwinStore store, DesiredChangeNotifier notifier,
        TimeProvider clock, bool replace, CancellationToken ct)
    {
        var (body, invalid) = await RequestBody.ReadAsync(request, ct);
        if (invalid is not null) return IotHubErrorResponse.Result(invalid);
        if (!TwinPatchReader.TryRead(body, deviceId, out var patch, out var error))
            return IotHubErrorResponse.Result(IotHubError.ArgumentInvalid, error);
        var ifMatch = ETags.IfMatch(request) ?? "*";
        var now = clock.GetUtcNow();

        var write = await store.UpdateAsync([deviceId], TwinSections.Whole, twins =>
        {
            if (!twins.TryGet(deviceId, out var twin)) return TwinWrite.Refused(DeviceRefusals.NotFound(deviceId));
            if (!ETags.Matches(ifMatch, (string?)twin["etag"]))
                return TwinWrite.Refused(new IotHubRefusal(IotHubError.PreconditionFailed,
                    "The etag in the request does not match the etag of the existing twin."));
            var edit = replace ? TwinEditor.Replace(twin, patch, now) : TwinEditor.Patch(twin, patch, now);
            if (edit.Error is not null) return TwinWrite.Refused(new IotHubRefusal(IotHubError.ArgumentInvalid, edit.Error));
            if (edit.Changed) twins.Save(deviceId, edit.Twin);
            return TwinWrite.Applied(edit);
        }, ct);

        if (write.Edit is not { } applied) return IotHubErrorResponse.Result(write.Failure!);
        if (applied.DesiredChanged)
            await notifier.NotifyAsync([new DeviceDesiredProperties(deviceId, applied.DesiredValues().ToJsonString(), applied.DesiredVersion(), null)], ct);
        return ETags.Ok(applied.Twin);
    }
}
