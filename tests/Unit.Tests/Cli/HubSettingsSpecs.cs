using IotHubJobs.Cli.Hub;

namespace Unit.Tests.Cli;

/// <summary>Where the command line finds its hub (cli/Hub/HubSettings.cs, HubEnvFile.cs).</summary>
public sealed class HubSettingsSpecs : IDisposable
{
    private const string Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    private readonly string _checkout = Directory.CreateTempSubdirectory("iotjobs-settings-").FullName;

    [Fact]
    public void Hub_env_lines_split_at_the_first_equals_sign_because_the_connection_string_holds_more()
    {
        var values = HubEnvFile.Parse($"# comment\nIOTHUB_CONNECTION_STRING=HostName=h:8443;SharedAccessKeyName=p;SharedAccessKey={Key}\r\n\nexport HUB_URL='https://h:8443'\n");

        Assert.Equal($"HostName=h:8443;SharedAccessKeyName=p;SharedAccessKey={Key}", values["IOTHUB_CONNECTION_STRING"]);
        Assert.Equal("https://h:8443", values["HUB_URL"]);
    }

    [Fact]
    public void The_nearest_local_hub_env_above_the_working_folder_is_read_and_its_CA_path_is_relative_to_its_checkout()
    {
        WriteHubEnv();
        var below = Directory.CreateDirectory(Path.Combine(_checkout, "a", "b")).FullName;

        var settings = HubSettings.Load(_ => null, below);

        Assert.Equal("localhost:9443", settings.Connection.HostName);
        Assert.Equal(new Uri("https://localhost:9443"), settings.BaseAddress);
        Assert.Equal(Path.Combine(_checkout, ".local", "certs", "ca.pem"), settings.CaCertificatePath);
    }

    [Fact]
    public void The_environment_wins_over_the_file()
    {
        WriteHubEnv();
        var environment = new Dictionary<string, string?>
        {
            ["IOTHUB_CONNECTION_STRING"] = $"HostName=other:1;SharedAccessKeyName=service;SharedAccessKey={Key}",
            ["HUB_URL"] = "https://other:1",
            ["IOTJOBS_HUB_ENV"] = Path.Combine(_checkout, ".local", "hub.env"),
        };

        var settings = HubSettings.Load(n => environment.GetValueOrDefault(n), "/");

        Assert.Equal("service", settings.Connection.SharedAccessKeyName);
        Assert.Equal(new Uri("https://other:1"), settings.BaseAddress);
        Assert.Equal(Path.Combine(_checkout, ".local", "certs", "ca.pem"), settings.CaCertificatePath);
    }

    [Theory]
    [InlineData(null, "No hub configured")]
    [InlineData("HostName=h;DeviceId=d;SharedAccessKey=" + Key, "device connection string")]
    [InlineData("nonsense", "not a connection string")]
    public void Without_a_usable_hub_policy_connection_string_it_says_what_to_do(string? connectionString, string message)
    {
        var error = Assert.Throws<HubNotConfiguredException>(() =>
            HubSettings.Load(n => n == "IOTHUB_CONNECTION_STRING" ? connectionString : n == "IOTJOBS_HUB_ENV" ? "/nowhere/hub.env" : null, _checkout));
        Assert.Contains(message, error.Message);
    }

    private void WriteHubEnv()
    {
        Directory.CreateDirectory(Path.Combine(_checkout, ".local"));
        File.WriteAllText(Path.Combine(_checkout, ".local", "hub.env"),
            $"IOTHUB_CONNECTION_STRING=HostName=localhost:9443;SharedAccessKeyName=iothubowner;SharedAccessKey={Key}\n" +
            "HUB_URL=https://localhost:9443\nHUB_CA_CERT=.local/certs/ca.pem\nHUB_MQTT_PORT=9883\n");
    }

    public void Dispose() => Directory.Delete(_checkout, recursive: true);
}
