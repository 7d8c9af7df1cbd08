namespace Unit.Tests.Query;

/// <summary>
/// Twelve device twins with deliberately awkward data: the same tag as string, number and null, nested and
/// flat shapes, arrays, bools written as strings, a missing tags object, unicode and an emoji. Reused by the
/// PostgreSQL-backed tests, which load these twins and compare SQL results with the evaluator.
/// </summary>
public static class FixtureFleet
{
    public static IReadOnlyList<string> Twins { get; } =
    [
        """
        {"deviceId":"dev-01","etag":"AAAAAAAAAAE=","status":"enabled","statusReason":null,"connectionState":"Connected","lastActivityTime":"2024-05-01T10:00:00.0000000Z","cloudToDeviceMessageCount":0,"authenticationType":"sas","modelId":"","version":5,"capabilities":{"iotEdge":false},
         "tags":{"building":"43","floor":"3","location":{"region":"us-west","site":"A"},"priority":1,"active":true,"group":"alpha"},
         "properties":{"desired":{"fw":"1.0","interval":30,"$version":3},"reported":{"fw":"1.0","temperature":21.5,"online":true,"$metadata":{"$lastUpdated":"2024-05-01T10:00:00.0000000Z"},"$version":7}}}
        """,
        """
        {"deviceId":"dev-02","etag":"AAAAAAAAAAI=","status":"enabled","statusReason":null,"connectionState":"Disconnected","lastActivityTime":"2024-06-15T08:30:00.0000000Z","cloudToDeviceMessageCount":2,"authenticationType":"sas","modelId":"","version":2,"capabilities":{"iotEdge":false},
         "tags":{"building":"43","floor":"2","location":{"region":"us-west","site":"B"},"priority":2,"active":false},
         "properties":{"desired":{"fw":"1.1","$version":2},"reported":{"fw":"1.0","temperature":25,"$metadata":{"$lastUpdated":"2024-06-15T08:30:00.0000000Z"},"$version":4}}}
        """,
        """
        {"deviceId":"dev-03","etag":"AAAAAAAAAAM=","status":"disabled","statusReason":"retired","connectionState":"Disconnected","lastActivityTime":"0001-01-01T00:00:00","cloudToDeviceMessageCount":0,"authenticationType":"sas","modelId":"","version":1,"capabilities":{"iotEdge":false},
         "tags":{"building":"44","floor":3,"location":{"region":"eu-north"},"priority":3,"active":true},
         "properties":{"desired":{"$version":1},"reported":{"temperature":-5.25,"$metadata":{"$lastUpdated":"2023-12-31T23:59:59.0000000Z"},"$version":2}}}
        """,
        """
        {"deviceId":"dev-04","etag":"AAAAAAAAAAQ=","status":"enabled","statusReason":null,"connectionState":"Connected","lastActivityTime":"2024-07-01T00:00:00.0000000Z","cloudToDeviceMessageCount":0,"authenticationType":"selfSigned","modelId":"dtmi:example:thermostat;1","version":3,"capabilities":{"iotEdge":true},
         "tags":{"building":"44","floor":null,"priority":null},
         "properties":{"desired":{"fw":"2.0","$version":2},"reported":{"fw":"2.0","temperature":null,"$metadata":{"$lastUpdated":"2024-07-01T00:00:00.0000000Z"},"$version":3}}}
        """,
        """
        {"deviceId":"dev-05","etag":"AAAAAAAAAAU=","status":"enabled","statusReason":null,"connectionState":"Connected","lastActivityTime":"2024-01-01T00:00:00.0000000Z","cloudToDeviceMessageCount":0,"authenticationType":"sas","modelId":"","version":1,"capabilities":{"iotEdge":false},
         "tags":{},
         "properties":{"desired":{"$version":1},"reported":{"$metadata":{"$lastUpdated":"2024-01-01T00:00:00.0000000Z"},"$version":1}}}
        """,
        """
        {"deviceId":"dev-06","etag":"AAAAAAAAAAY=","status":"enabled","statusReason":null,"connectionState":"Disconnected","lastActivityTime":"0001-01-01T00:00:00","cloudToDeviceMessageCount":0,"authenticationType":"sas","modelId":"","version":4,"capabilities":{"iotEdge":false},
         "tags":{"building":"45","floor":"10","location":{"region":"eu-west","site":"A"},"priority":10,"active":"true"},
         "properties":{"desired":{"interval":60,"$version":2},"reported":{"temperature":30.0,"online":false,"$version":5}}}
        """,
        """
        {"deviceId":"dev-07","etag":"AAAAAAAAAAc=","status":"disabled","statusReason":null,"connectionState":"Connected","lastActivityTime":"0001-01-01T00:00:00","cloudToDeviceMessageCount":1,"authenticationType":"sas","modelId":"","version":2,"capabilities":{"iotEdge":false},
         "tags":{"building":"43","floor":"1","group":"beta","a'b":"quote"},
         "properties":{"desired":{"fw":"1.0","$version":2},"reported":{"temperature":1e3,"fw":"0.9","$version":2}}}
        """,
        """
        {"deviceId":"dev-08","etag":"AAAAAAAAAAg=","status":"enabled","statusReason":null,"connectionState":"Disconnected","lastActivityTime":"0001-01-01T00:00:00","cloudToDeviceMessageCount":0,"authenticationType":"sas","modelId":"","version":2,"capabilities":{"iotEdge":false},
         "tags":{"building":43,"floor":"3","location":"unknown"},
         "properties":{"desired":{"fw":"1.0","$version":2},"reported":{"$version":1}}}
        """,
        """
        {"deviceId":"Gateway-09","etag":"AAAAAAAAAAk=","status":"enabled","statusReason":null,"connectionState":"Connected","lastActivityTime":"2024-08-01T12:00:00.0000000Z","cloudToDeviceMessageCount":0,"authenticationType":"certificateAuthority","modelId":"","version":6,"capabilities":{"iotEdge":true},
         "tags":{"building":"46","kind":"gateway","nested":{"deep":{"deeper":{"value":"x"}}}},
         "properties":{"desired":{"$version":1},"reported":{"online":true,"$version":9}}}
        """,
        """
        {"deviceId":"dev-10","etag":"AAAAAAAAABA=","status":"enabled","statusReason":null,"connectionState":"Connected","lastActivityTime":"2024-05-02T10:00:00.0000000Z","cloudToDeviceMessageCount":0,"authenticationType":"sas","modelId":"","version":3,"capabilities":{"iotEdge":false},
         "tags":{"building":"43","floor":"3","priority":1.0,"list":["a","b"],"location":{"region":"us-west","site":"C"}},
         "properties":{"desired":{"fw":"1.1","interval":30,"$version":3},"reported":{"temperature":21.50,"fw":"1.1","$version":3}}}
        """,
        """
        {"deviceId":"sensor-11","etag":"AAAAAAAAABE=","status":"disabled","statusReason":null,"connectionState":"Disconnected","lastActivityTime":"0001-01-01T00:00:00","cloudToDeviceMessageCount":0,"authenticationType":"sas","modelId":"","version":1,"capabilities":{"iotEdge":false},
         "tags":{"building":"47","floor":"ground","unicode":"ünïcödé","emoji":"😀"},
         "properties":{"desired":{"$version":1},"reported":{"temperature":100,"$version":1}}}
        """,
        """
        {"deviceId":"dev-12","etag":"AAAAAAAAABI=","status":"enabled","statusReason":null,"connectionState":"Disconnected","lastActivityTime":"0001-01-01T00:00:00","cloudToDeviceMessageCount":0,"authenticationType":"sas","modelId":"","version":1,"capabilities":{"iotEdge":false},
         "properties":{"desired":{"$version":1},"reported":{"$version":1}}}
        """,
    ];

    public static IReadOnlyList<string> AllDeviceIds { get; } =
        ["dev-01", "dev-02", "dev-03", "dev-04", "dev-05", "dev-06", "dev-07", "dev-08", "Gateway-09", "dev-10", "sensor-11", "dev-12"];

    /// <summary>Device job records as <c>SELECT * FROM devices.jobs</c> returns them.</summary>
    public static IReadOnlyList<string> DeviceJobs { get; } =
    [
        """
        {"deviceId":"dev-01","jobId":"j1","jobType":"scheduleDeviceMethod","status":"completed","startTimeUtc":"2024-05-01T10:00:00.0000000Z","endTimeUtc":"2024-05-01T10:00:02.1000000Z","createdDateTimeUtc":"2024-05-01T10:00:00.5000000Z","lastUpdatedDateTimeUtc":"2024-05-01T10:00:02.1000000Z","outcome":{"deviceMethodResponse":{"status":200,"payload":{"rebooted":true}}},"error":null}
        """,
        """
        {"deviceId":"dev-02","jobId":"j1","jobType":"scheduleDeviceMethod","status":"failed","startTimeUtc":"2024-05-01T10:00:00.0000000Z","endTimeUtc":"2024-05-01T10:00:30.0000000Z","createdDateTimeUtc":"2024-05-01T10:00:00.5000000Z","lastUpdatedDateTimeUtc":"2024-05-01T10:00:30.0000000Z","outcome":{"deviceMethodResponse":null},"error":{"code":"DeviceNotOnline","description":"Device is not online"}}
        """,
        """
        {"deviceId":"dev-01","jobId":"j2","jobType":"scheduleUpdateTwin","status":"running","startTimeUtc":"2024-06-01T00:00:01.0000000Z","endTimeUtc":null,"createdDateTimeUtc":"2024-06-01T00:00:00.0000000Z","lastUpdatedDateTimeUtc":"2024-06-01T00:00:01.0000000Z","outcome":{"deviceMethodResponse":null},"error":null}
        """,
        """
        {"deviceId":"dev-03","jobId":"j2","jobType":"scheduleUpdateTwin","status":"pending","startTimeUtc":null,"endTimeUtc":null,"createdDateTimeUtc":"2024-06-01T00:00:00.0000000Z","lastUpdatedDateTimeUtc":"2024-06-01T00:00:00.0000000Z","outcome":{"deviceMethodResponse":null},"error":null}
        """,
    ];
}
