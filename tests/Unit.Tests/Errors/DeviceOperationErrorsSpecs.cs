using IotHubJobs.IotHubErrors;

namespace Unit.Tests.Errors;

/// <summary>The failures clients know from IoT Hub keep IoT Hub's codes and texts, in direct methods and device jobs alike.</summary>
public class DeviceOperationErrorsSpecs
{
    [Fact]
    public void A_device_that_never_connected_is_not_online() => Assert.Equal(
        new DeviceOperationError("DeviceNotOnline", "Timed out waiting for device to connect."), DeviceOperationErrors.DeviceNotOnline);

    [Fact]
    public void A_device_that_did_not_answer_in_time_is_a_gateway_timeout() => Assert.Equal(
        new DeviceOperationError("GatewayTimeout", "Timed out waiting for the response from device."), DeviceOperationErrors.GatewayTimeout);

    [Fact]
    public void An_unknown_device_is_named_up_to_the_longest_valid_id()
    {
        Assert.Equal("Device 'd1' is not registered.", DeviceOperationErrors.DeviceNotFound("d1").Description);
        Assert.Equal($"Device '{new string('x', 128)}' is not registered.", DeviceOperationErrors.DeviceNotFound(new string('x', 300)).Description);
    }
}
