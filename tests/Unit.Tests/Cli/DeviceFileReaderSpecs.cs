using IotHubJobs.Cli.Import;

namespace Unit.Tests.Cli;

/// <summary>Import files (cli/Import/DeviceFileReader.cs): CSV with tag columns, JSON lines, and the mistakes named by line.</summary>
public sealed class DeviceFileReaderSpecs
{
    [Fact]
    public void Csv_columns_become_id_status_and_tags_and_quoted_cells_may_hold_commas_and_quotes()
    {
        var records = DeviceFileReader.ReadCsv([
            "id,status,tags.building,tags.site.room,tags",
            "d1,,43,\"a,b\",\"{\"\"sim\"\":{}}\"",
            "",
            "d2,disabled,44,,",
        ]);

        Assert.Equal(["d1", "d2"], records.Select(r => r.Id));
        Assert.Equal("""{"building":"43","site":{"room":"a,b"},"sim":{}}""", records[0].Tags!.ToJsonString());
        Assert.Null(records[0].Status);
        Assert.Equal("disabled", records[1].Status);
        Assert.Equal("""{"building":"44"}""", records[1].Tags!.ToJsonString());
        Assert.Equal("""{"id":"d2","importMode":"create","status":"disabled","tags":{"building":"44"}}""", records[1].ToEntry("create").ToJsonString());
    }

    [Fact]
    public void Json_lines_take_id_or_deviceId_with_tags_and_status()
    {
        var records = DeviceFileReader.ReadJsonLines(["""{"id":"a","tags":{"x":1}}""", " ", """{"deviceId":"b","status":"enabled"}"""]);

        Assert.Equal(["a", "b"], records.Select(r => r.Id));
        Assert.Equal("""{"x":1}""", records[0].Tags!.ToJsonString());
        Assert.Equal(3, records[1].Line);
    }

    [Theory]
    [InlineData("name\nx", "line 1: the header has no 'id'")]
    [InlineData("id,tags.a\nd1", "line 2: 1 fields, the header has 2")]
    [InlineData("id,status\nd1,off", "line 2: status must be enabled or disabled")]
    [InlineData("id,tags\nd1,[1]", "line 2: tags is not a JSON object")]
    [InlineData("id\n\"d1", "line 2: a quoted field is not closed")]
    [InlineData("id\nd1\nd2\nd1", "line 4: device 'd1' is named twice (first on line 2)")]
    public void Csv_mistakes_are_named_by_line(string text, string message)
    {
        var path = Path.Combine(Path.GetTempPath(), $"iotjobs-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text);
        try
        {
            var error = Assert.Throws<DeviceFileException>(() => DeviceFileReader.Read(path));
            Assert.StartsWith(message, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_json_line_without_an_id_is_refused() =>
        Assert.Equal("line 1: no device id", Assert.Throws<DeviceFileException>(() => DeviceFileReader.ReadJsonLines(["""{"tags":{}}"""])).Message);
}
