using IotHubJobs.Security;

namespace Unit.Tests.Security;

public class IotHubPermissionsTests
{
    private const AccessRights SC = AccessRights.ServiceConnect;
    private const AccessRights RR = AccessRights.RegistryRead;
    private const AccessRights RW = AccessRights.RegistryWrite;

    [Theory]
    [InlineData("PUT", "/jobs/v2/job1", SC)]
    [InlineData("GET", "/jobs/v2/job1", SC)]
    [InlineData("POST", "/jobs/v2/job1/cancel", SC)]
    [InlineData("POST", "/jobs/v2/job1/pause", SC)]
    [InlineData("POST", "/jobs/v2/job1/resume", SC)]
    [InlineData("POST", "/jobs/v2/job1/approve", SC)]
    [InlineData("POST", "/jobs/v2/job1/devices/d1/cancel", SC)]
    [InlineData("GET", "/jobs/v2/query", SC)]
    [InlineData("POST", "/devices/query", SC | RR)]
    [InlineData("GET", "/twins/d1", SC)]
    [InlineData("PATCH", "/twins/d1", SC)]
    [InlineData("PUT", "/twins/d1", SC)]
    [InlineData("POST", "/twins/d1/methods", SC)]
    [InlineData("GET", "/devices/d1", RR)]
    [InlineData("PUT", "/devices/d1", RW)]
    [InlineData("DELETE", "/devices/d1", RW)]
    [InlineData("POST", "/devices", RW)]
    [InlineData("post", "/Devices/Query/", SC | RR)]
    [InlineData("GET", "/jobs/v2/events", SC | RR)]
    [InlineData("GET", "/jobs/v2/job1/events", SC | RR)]
    [InlineData("GET", "/webhooks", RW)]
    [InlineData("PUT", "/webhooks/w1", RW)]
    [InlineData("GET", "/webhooks/w1", RW)]
    [InlineData("DELETE", "/webhooks/w1", RW)]
    [InlineData("GET", "/webhooks/w1/deliveries", RW)]
    public void Each_endpoint_needs_the_right_from_the_table(string method, string path, AccessRights required)
    {
        Assert.Equal(required, IotHubPermissions.RequiredRights(method, path));
    }

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/jobs/v2")]
    [InlineData("DELETE", "/jobs/v2/job1")]
    [InlineData("PATCH", "/jobs/v2/job1")]
    [InlineData("POST", "/jobs/v2/job1")]
    [InlineData("GET", "/jobs/v2/job1/cancel")]
    [InlineData("POST", "/jobs/v2/job1/other")]
    [InlineData("PUT", "/jobs/v2/query")]
    [InlineData("GET", "/jobs/v2/job1/cancel/extra")]
    [InlineData("GET", "/jobs/v2/job1/pause")]
    [InlineData("POST", "/jobs/v2/job1/devices/d1")]
    [InlineData("POST", "/jobs/v2/job1/devices/d1/pause")]
    [InlineData("POST", "/jobs/create")]
    [InlineData("GET", "/jobs")]
    [InlineData("GET", "/devices")]
    [InlineData("DELETE", "/twins/d1")]
    [InlineData("POST", "/twins/d1")]
    [InlineData("GET", "/twins/d1/methods")]
    [InlineData("GET", "/devices/d1/extra")]
    [InlineData("GET", "/statistics/service")]
    [InlineData("GET", "/devices//d1")]
    [InlineData("GET", "devices/d1")]
    [InlineData("POST", "/jobs/v2/job1/events")]
    [InlineData("GET", "/jobs/v2/job1/events/extra")]
    [InlineData("POST", "/webhooks")]
    [InlineData("PUT", "/webhooks")]
    [InlineData("POST", "/webhooks/w1")]
    [InlineData("DELETE", "/webhooks/w1/deliveries")]
    [InlineData("GET", "/webhooks/w1/other")]
    public void Unknown_requests_need_a_right_nobody_has(string method, string path)
    {
        Assert.Equal(AccessRights.None, IotHubPermissions.RequiredRights(method, path));
        Assert.False(IotHubPermissions.IsAllowed((AccessRights)0xFF, method, path));
    }

    [Fact]
    public void Service_policy_may_run_jobs_and_queries_but_not_touch_the_registry()
    {
        Assert.True(IotHubPermissions.IsAllowed(SC, "PUT", "/jobs/v2/j"));
        Assert.True(IotHubPermissions.IsAllowed(SC, "POST", "/devices/query"));
        Assert.False(IotHubPermissions.IsAllowed(SC, "GET", "/devices/d1"));
        Assert.False(IotHubPermissions.IsAllowed(SC, "POST", "/devices"));
    }

    [Fact]
    public void Registry_read_policy_may_query_and_read_devices_only()
    {
        Assert.True(IotHubPermissions.IsAllowed(RR, "POST", "/devices/query"));
        Assert.True(IotHubPermissions.IsAllowed(RR, "GET", "/devices/d1"));
        Assert.False(IotHubPermissions.IsAllowed(RR, "PUT", "/devices/d1"));
        Assert.False(IotHubPermissions.IsAllowed(RR, "GET", "/jobs/v2/j"));
        Assert.False(IotHubPermissions.IsAllowed(RR, "GET", "/twins/d1"));
    }

    [Fact]
    public void Device_connect_alone_opens_no_service_endpoint()
    {
        Assert.False(IotHubPermissions.IsAllowed(AccessRights.DeviceConnect, "GET", "/twins/d1"));
        Assert.False(IotHubPermissions.IsAllowed(AccessRights.DeviceConnect, "PUT", "/jobs/v2/j"));
    }
}
