using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Devices;

[Collection(SystemCollection.Name)]
public sealed class BulkImportModeSpecs(SystemUnderTest system)
{
    private static JsonArray Entries(params JsonObject[] entries) => new(entries.Select(e => (JsonNode)e).ToArray());

    [Fact]
    public async Task IfMatchETag_modes_change_a_device_only_when_its_etag_matches_and_modes_are_case_insensitive()
    {
        var id = $"bulk-{Guid.NewGuid():N}"[..20];
        (await system.Hub.PostAsync("/devices", Entries(new JsonObject { ["id"] = id, ["importMode"] = "Create" }))).EnsureStatus(HttpStatusCode.OK);
        var etag = (string)(await system.Hub.GetAsync($"/devices/{id}")).EnsureStatus(HttpStatusCode.OK).Json["etag"]!;

        var stale = await system.Hub.PostAsync("/devices", Entries(new JsonObject { ["id"] = id, ["importMode"] = "UpdateIfMatchETag", ["eTag"] = "stale", ["status"] = "disabled" }));
        Assert.Equal(HttpStatusCode.BadRequest, stale.Status);
        Assert.Equal("PreconditionFailed", (string?)stale.Json["errors"]![0]!["errorCode"]);
        Assert.Equal("enabled", (string?)(await system.Hub.GetAsync($"/devices/{id}")).Json["status"]);

        (await system.Hub.PostAsync("/devices", Entries(new JsonObject { ["id"] = id, ["importMode"] = "updateIfMatchETag", ["eTag"] = etag, ["status"] = "disabled" })))
            .EnsureStatus(HttpStatusCode.OK);
        Assert.Equal("disabled", (string?)(await system.Hub.GetAsync($"/devices/{id}")).Json["status"]);

        var staleDelete = await system.Hub.PostAsync("/devices", Entries(new JsonObject { ["id"] = id, ["importMode"] = "DeleteIfMatchETag", ["eTag"] = etag }));
        Assert.Equal(HttpStatusCode.BadRequest, staleDelete.Status);
        (await system.Hub.GetAsync($"/devices/{id}")).EnsureStatus(HttpStatusCode.OK);

        (await system.Hub.PostAsync("/devices", Entries(new JsonObject { ["id"] = id, ["importMode"] = "Delete" }))).EnsureStatus(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NotFound, (await system.Hub.GetAsync($"/devices/{id}")).Status);
    }
}
