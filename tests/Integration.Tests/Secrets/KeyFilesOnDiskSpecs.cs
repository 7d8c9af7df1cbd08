using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;

namespace Integration.Tests.Secrets;

/// <summary>
/// Keys at rest live only under the data folder, readable by its owner alone: what scripts/new-policies.sh and
/// run.sh's helpers (scripts/services.sh, scripts/infra.sh) write, checked in a temporary data folder without
/// starting any server.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and bash: Linux and macOS only
public sealed class KeyFilesOnDiskSpecs : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "iothub-jobs-tests", "keys-" + Guid.NewGuid().ToString("N")[..12]);

    public KeyFilesOnDiskSpecs() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task New_policies_script_writes_random_keys_mode_600_in_a_700_folder_and_prints_none()
    {
        var file = Path.Combine(_folder, "secrets", "policies.json");
        var (exitCode, output) = await Bash.RunAsync($"scripts/new-policies.sh '{file}'");

        Assert.True(exitCode == 0, output);
        Assert.Equal("700", Bash.Octal(Path.GetDirectoryName(file)!));
        Assert.Equal("600", Bash.Octal(file));
        var policies = JsonNode.Parse(File.ReadAllText(file))!["policies"]!.AsArray();
        Assert.Equal(["iothubowner", "service", "device", "registryRead", "registryReadWrite"], policies.Select(p => (string)p!["name"]!));
        var keys = policies.SelectMany(p => new[] { (string)p!["primaryKey"]!, (string)p["secondaryKey"]! }).ToList();
        Assert.All(keys, key => Assert.Equal(32, Convert.FromBase64String(key).Length));
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.All(keys, key => Assert.DoesNotContain(key, output));
    }

    [Fact]
    public async Task New_policies_script_refuses_to_overwrite_an_existing_file_and_leaves_it_as_it_was()
    {
        var file = Path.Combine(_folder, "secrets", "policies.json");
        Assert.Equal(0, (await Bash.RunAsync($"scripts/new-policies.sh '{file}'")).ExitCode);
        var before = File.ReadAllText(file);

        var (exitCode, output) = await Bash.RunAsync($"scripts/new-policies.sh '{file}'");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("not overwriting", output);
        Assert.Equal(before, File.ReadAllText(file));
    }

    [Fact]
    public async Task Run_sh_keeps_policies_database_passwords_hub_env_and_certificate_folder_owner_only()
    {
        var local = Path.Combine(_folder, ".local");
        var (exitCode, output) = await PrepareLikeRunShAsync(local);
        Assert.True(exitCode == 0, output);

        AssertOwnerOnly(local);
        var hubEnv = File.ReadAllText(Path.Combine(local, "hub.env"));
        var ownerKey = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(local, "secrets", "policies.json")))!["policies"]![0]!["primaryKey"]!;
        Assert.Contains($"SharedAccessKey={ownerKey}", hubEnv);
        Assert.DoesNotContain(ownerKey, output);
    }

    [Fact]
    public async Task Run_sh_shows_the_connection_string_only_on_a_terminal_so_redirected_output_holds_no_key()
    {
        var local = Path.Combine(_folder, ".local");
        Assert.Equal(0, (await PrepareLikeRunShAsync(local)).ExitCode);

        var (exitCode, banner) = await Bash.RunAsync(". scripts/infra.sh && . scripts/services.sh && infra_init && services_init"
            + " && write_hub_env && echo \"Connection string:  $(shown_connection_string)\"",
            ("IOTHUB_LOCAL_DIR", local), ("IOTHUB_REPO_ROOT", RepositoryRoot.Path));

        Assert.True(exitCode == 0, banner);
        var ownerKey = (string)JsonNode.Parse(File.ReadAllText(Path.Combine(local, "secrets", "policies.json")))!["policies"]![0]!["primaryKey"]!;
        Assert.DoesNotContain(ownerKey, banner);
        Assert.Contains("hub.env", banner);
    }

    [Fact]
    public async Task Run_sh_tightens_key_files_an_operator_loosened()
    {
        var local = Path.Combine(_folder, ".local");
        Assert.Equal(0, (await PrepareLikeRunShAsync(local)).ExitCode);
        var loose = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        foreach (var file in Directory.GetFiles(Path.Combine(local, "secrets")).Append(Path.Combine(local, "hub.env")))
            File.SetUnixFileMode(file, loose);
        foreach (var folder in new[] { "secrets", "certs" })
            File.SetUnixFileMode(Path.Combine(local, folder), loose | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        var (exitCode, output) = await PrepareLikeRunShAsync(local);

        Assert.True(exitCode == 0, output);
        AssertOwnerOnly(local);
    }

    private static void AssertOwnerOnly(string local)
    {
        Assert.Equal("700", Bash.Octal(Path.Combine(local, "secrets")));
        Assert.Equal("700", Bash.Octal(Path.Combine(local, "certs")));
        var secrets = Directory.GetFiles(Path.Combine(local, "secrets")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["policies.json", "postgres.password", "rabbitmq.password"], secrets);
        Assert.All(secrets, name => Assert.Equal("600", Bash.Octal(Path.Combine(local, "secrets", name!))));
        Assert.Equal("600", Bash.Octal(Path.Combine(local, "hub.env")));
    }

    /// <summary>
    /// The steps of run.sh that write keys, by the same functions run.sh calls: the state folder, the database and
    /// broker passwords, the policies and certificate folders, and hub.env (which holds the owner connection string).
    /// </summary>
    private static Task<(int ExitCode, string Output)> PrepareLikeRunShAsync(string local) => Bash.RunAsync(
        ". scripts/infra.sh && . scripts/services.sh && infra_init && services_init"
        + " && secret postgres.password >/dev/null && secret rabbitmq.password >/dev/null"
        + " && ensure_key_folders && write_hub_env",
        ("IOTHUB_LOCAL_DIR", local), ("IOTHUB_REPO_ROOT", RepositoryRoot.Path));
}
