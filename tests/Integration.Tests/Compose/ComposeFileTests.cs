using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Integration.Tests.Compose;

/// <summary>
/// compose.yaml and the Dockerfiles are checked as files (no Docker engine, no network): every image can be
/// built from this repository, and the services find each other under their compose names and ports.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly string Root = FindRepositoryRoot();
    private static readonly YamlMappingNode ComposeRoot = LoadCompose();
    private static readonly YamlMappingNode Services = Map(ComposeRoot, "services")
        ?? throw new InvalidOperationException("compose.yaml has no services");

    private static readonly string[] DotnetServices = ["gateway", "jobs-api", "scheduler", "executor", "device-sim", "device-gateway"];

    [Fact]
    public void The_hub_consists_of_the_expected_services()
    {
        var names = ServiceNames().ToHashSet();
        foreach (var expected in new[] { "postgres", "rabbitmq", "jaeger" }.Concat(DotnetServices))
            Assert.Contains(expected, names);
    }

    [Fact]
    public void Every_built_service_has_a_dockerfile_and_project()
    {
        var built = 0;
        foreach (var (name, service) in AllServices())
        {
            var build = service.Children.TryGetValue(Key("build"), out var b) ? b : null;
            if (build is null) continue;
            built++;
            string context, dockerfile;
            if (build is YamlScalarNode scalar) { context = scalar.Value!; dockerfile = "Dockerfile"; }
            else
            {
                var map = (YamlMappingNode)build;
                context = Scalar(map, "context") ?? ".";
                dockerfile = Scalar(map, "dockerfile") ?? "Dockerfile";
            }
            var contextDir = Path.GetFullPath(Path.Combine(Root, context));
            Assert.True(Directory.Exists(contextDir), $"{name}: build context {context} does not exist");
            var dockerfilePath = Path.Combine(contextDir, dockerfile);
            Assert.True(File.Exists(dockerfilePath), $"{name}: {dockerfile} does not exist");

            var text = File.ReadAllText(dockerfilePath);
            var publish = Regex.Match(text, @"dotnet\s+publish\s+(?<project>[^\s\\]+\.csproj)");
            Assert.True(publish.Success, $"{name}: {dockerfile} has no 'dotnet publish <project>.csproj'");
            var project = publish.Groups["project"].Value;
            // the build stage's WORKDIR holds the build context, so the path is relative to the context
            Assert.True(File.Exists(Path.Combine(contextDir, project)), $"{name}: {project} (published by {dockerfile}) does not exist");

            // the project's folder is copied into the build stage before it is published
            var projectDir = Path.GetDirectoryName(project)!.Replace('\\', '/');
            Assert.Matches(new Regex(@"(?m)^COPY\s+(\./)?" + Regex.Escape(projectDir) + @"/?\s"), text);

            // the entry point runs the assembly the project produces
            var assembly = AssemblyName(Path.Combine(contextDir, project));
            Assert.Contains($"\"{assembly}.dll\"", text);
        }
        Assert.Equal(DotnetServices.Length, built);
    }

    [Fact]
    public void Every_docker_build_stage_copies_the_projects_it_publishes_and_their_references()
    {
        foreach (var (name, service) in AllServices())
        {
            if (Map(service, "build") is not { } build) continue;
            var contextDir = Path.GetFullPath(Path.Combine(Root, Scalar(build, "context") ?? "."));
            var text = File.ReadAllText(Path.Combine(contextDir, Scalar(build, "dockerfile") ?? "Dockerfile"));
            // the build stage: up to the second FROM; COPY --from=... takes nothing from the context
            var stages = Regex.Split(text, @"(?m)^FROM\s");
            var buildStage = stages.Length > 1 ? stages[1] : text;
            var copied = Regex.Matches(buildStage, @"(?m)^COPY\s+(?!--from)(?<args>.+)$")
                .SelectMany(m => m.Groups["args"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
                .Where(a => !a.StartsWith("--", StringComparison.Ordinal))
                .Select(a => a.TrimStart('.', '/').TrimEnd('/'))
                .ToList();
            Assert.Contains("Directory.Build.props", copied);
            Assert.Contains("Directory.Packages.props", copied);

            var project = Regex.Match(text, @"dotnet\s+publish\s+(?<project>[^\s\\]+\.csproj)").Groups["project"].Value;
            foreach (var reference in ProjectClosure(Path.Combine(contextDir, project)))
            {
                var relative = Path.GetRelativePath(contextDir, Path.GetDirectoryName(reference)!).Replace('\\', '/');
                Assert.True(copied.Any(c => relative == c || relative.StartsWith(c + "/", StringComparison.Ordinal)),
                    $"{name}: the build stage does not copy {relative} (needed by {project})");
            }
        }
    }

    [Fact]
    public void Executor_runs_three_replicas()
    {
        var deploy = Map(Service("executor"), "deploy");
        Assert.NotNull(deploy);
        Assert.Equal("3", Scalar(deploy!, "replicas"));
        // replicas cannot share a fixed container name
        Assert.Null(Scalar(Service("executor"), "container_name"));
    }

    [Fact]
    public void Only_the_gateway_the_device_gateways_mqtt_port_and_the_jaeger_ui_publish_ports()
    {
        foreach (var (name, service) in AllServices())
        {
            if (!service.Children.TryGetValue(Key("ports"), out var ports)) continue;
            var targets = ((YamlSequenceNode)ports).Children.Select(ContainerPort).ToList();
            switch (name)
            {
                case "gateway":
                    Assert.Equal(new[] { UrlPort(EnvOf(service)["ASPNETCORE_URLS"]) }, targets);
                    break;
                case "jaeger":
                    Assert.Equal(new[] { 16686 }, targets);
                    break;
                case "device-gateway":
                    Assert.Equal(new[] { int.Parse(EnvOf(service)["DeviceGateway__MqttPort"]) }, targets);
                    break;
                default:
                    Assert.Fail($"{name} publishes ports {string.Join(",", targets)}; only the gateway (and the devices' MQTT port) faces users");
                    break;
            }
        }
        Assert.True(Service("gateway").Children.ContainsKey(Key("ports")), "the gateway must publish its HTTPS port");
    }

    [Fact]
    public void Every_dependency_names_an_existing_service_and_waits_for_its_health()
    {
        var names = ServiceNames().ToHashSet();
        foreach (var (name, service) in AllServices())
        {
            if (!service.Children.TryGetValue(Key("depends_on"), out var deps)) continue;
            if (deps is YamlSequenceNode list)
            {
                foreach (var dep in list.Children.Cast<YamlScalarNode>())
                    Assert.True(names.Contains(dep.Value!), $"{name} depends on unknown service {dep.Value}");
                Assert.Fail($"{name}: depends_on must be a map with condition: service_healthy");
            }
            foreach (var (key, value) in ((YamlMappingNode)deps).Children)
            {
                var target = ((YamlScalarNode)key).Value!;
                Assert.True(names.Contains(target), $"{name} depends on unknown service {target}");
                Assert.Equal("service_healthy", Scalar((YamlMappingNode)value, "condition"));
                Assert.True(Service(target).Children.ContainsKey(Key("healthcheck")), $"{target} has no healthcheck for {name} to wait on");
            }
        }
    }

    [Fact]
    public void Every_service_has_a_health_check_and_dotnet_services_probe_health_ready()
    {
        foreach (var (name, service) in AllServices())
        {
            var health = Map(service, "healthcheck");
            Assert.True(health is not null, $"{name} has no healthcheck");
            Assert.True(health!.Children.TryGetValue(Key("test"), out var test), $"{name}: healthcheck has no test");
            if (!DotnetServices.Contains(name)) continue;
            var command = test is YamlSequenceNode seq
                ? string.Join(" ", seq.Children.Select(c => ((YamlScalarNode)c).Value))
                : ((YamlScalarNode)test!).Value!;
            Assert.Contains("/health/ready", command);
            Assert.Contains($":{UrlPort(EnvOf(service)["ASPNETCORE_URLS"])}/", command);
        }
    }

    [Fact]
    public void Connection_strings_point_at_the_postgres_and_rabbitmq_services_and_their_ports()
    {
        var postgresPort = ServerPort("postgres", 5432);
        var rabbitPort = ServerPort("rabbitmq", 5672);
        foreach (var name in DotnetServices)
        {
            var env = EnvOf(Service(name));

            Assert.True(env.TryGetValue("ConnectionStrings__postgres", out var pg), $"{name}: no ConnectionStrings__postgres");
            var parts = pg!.Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2))
                .ToDictionary(p => p[0].Trim(), p => p.Length > 1 ? p[1].Trim() : "", StringComparer.OrdinalIgnoreCase);
            Assert.Equal("postgres", parts.GetValueOrDefault("Host"));
            Assert.Equal(postgresPort.ToString(), parts.GetValueOrDefault("Port", "5432"));
            Assert.Equal(Scalar(Map(Service("postgres"), "environment")!, "POSTGRES_DB"), parts.GetValueOrDefault("Database"));
            Assert.Equal(Scalar(Map(Service("postgres"), "environment")!, "POSTGRES_USER"), parts.GetValueOrDefault("Username"));

            Assert.True(env.TryGetValue("ConnectionStrings__rabbitmq", out var mq), $"{name}: no ConnectionStrings__rabbitmq");
            var uri = new Uri(WithoutInterpolation(mq!));
            Assert.Equal("amqp", uri.Scheme);
            Assert.Equal("rabbitmq", uri.Host);
            Assert.Equal(rabbitPort, uri.IsDefaultPort ? 5672 : uri.Port);
            var rabbitEnv = Map(Service("rabbitmq"), "environment")!;
            Assert.Equal(Scalar(rabbitEnv, "RABBITMQ_DEFAULT_USER"), uri.UserInfo.Split(':')[0]);
            var vhost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
            Assert.Equal(Scalar(rabbitEnv, "RABBITMQ_DEFAULT_VHOST") ?? "/", vhost == "" ? "/" : vhost);
        }
    }

    [Fact]
    public void Passwords_come_from_the_environment_not_from_the_compose_file()
    {
        Assert.Matches(@"^\$\{POSTGRES_PASSWORD[^}]*\}$", Scalar(Map(Service("postgres"), "environment")!, "POSTGRES_PASSWORD"));
        Assert.Matches(@"^\$\{RABBITMQ_PASSWORD[^}]*\}$", Scalar(Map(Service("rabbitmq"), "environment")!, "RABBITMQ_DEFAULT_PASS"));
        foreach (var name in DotnetServices)
        {
            var env = EnvOf(Service(name));
            Assert.Matches(@"Password=\$\{POSTGRES_PASSWORD[^}]*\}", env["ConnectionStrings__postgres"]);
            Assert.Matches(@"^amqp://[^:]+:\$\{RABBITMQ_PASSWORD[^}]*\}@", env["ConnectionStrings__rabbitmq"]);
        }
    }

    [Fact]
    public void Gateway_proxies_jobs_api_at_its_service_name_and_listening_port()
    {
        var gateway = EnvOf(Service("gateway"));
        Assert.True(gateway.TryGetValue("ReverseProxy__Clusters__jobs-api__Destinations__primary__Address", out var address),
            "the gateway has no YARP destination for jobs-api");
        var destination = new Uri(address!);
        Assert.Equal("jobs-api", destination.Host);
        Assert.Equal(UrlPort(EnvOf(Service("jobs-api"))["ASPNETCORE_URLS"]), destination.Port);
        Assert.Equal(Uri.UriSchemeHttp, destination.Scheme);
    }

    [Fact]
    public void Gateway_reads_the_policies_secret_and_keeps_its_certificates_in_a_volume()
    {
        var gateway = Service("gateway");
        var env = EnvOf(gateway);
        var secrets = (YamlSequenceNode)gateway.Children[Key("secrets")];
        var secret = secrets.Children.Select(s => s is YamlScalarNode sc ? sc.Value : Scalar((YamlMappingNode)s, "source")).Single();
        Assert.NotNull(Map(Map(ComposeRoot, "secrets")!, secret!));
        Assert.Equal($"/run/secrets/{secret}", env["IotHub__PoliciesFile"]);

        var certDir = env["Gateway__CertificateDirectory"];
        var volumes = ((YamlSequenceNode)gateway.Children[Key("volumes")]).Children.Cast<YamlScalarNode>().Select(v => v.Value!);
        Assert.Contains(volumes, v => v.EndsWith(":" + certDir, StringComparison.Ordinal));
    }

    [Fact]
    public void Dotnet_services_export_traces_to_jaeger_under_their_own_name()
    {
        var jaeger = Service("jaeger");
        Assert.StartsWith("jaegertracing/all-in-one", Scalar(jaeger, "image"));
        foreach (var name in DotnetServices)
        {
            var env = EnvOf(Service(name));
            Assert.Equal(new Uri("http://jaeger:4317"), new Uri(env["OTEL_EXPORTER_OTLP_ENDPOINT"]));
            Assert.Equal(name, env["OTEL_SERVICE_NAME"]);
        }
    }

    [Fact]
    public void Servers_use_the_pinned_images()
    {
        Assert.Equal("postgres:15-alpine", Scalar(Service("postgres"), "image"));
        Assert.Equal("rabbitmq:3.10-management", Scalar(Service("rabbitmq"), "image"));
    }

    // ------------------------------------------------------------------ helpers

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Microservices.sln"))) return dir.FullName;
        throw new InvalidOperationException("Microservices.sln not found above " + AppContext.BaseDirectory);
    }

    private static YamlMappingNode LoadCompose()
    {
        var path = Path.Combine(Root, "compose.yaml");
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlScalarNode Key(string name) => new(name);

    private static YamlMappingNode? Map(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(Key(key), out var node) ? node as YamlMappingNode : null;

    private static string? Scalar(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(Key(key), out var node) ? (node as YamlScalarNode)?.Value : null;

    private static IEnumerable<string> ServiceNames() => Services.Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!);

    private static IEnumerable<(string Name, YamlMappingNode Service)> AllServices() =>
        Services.Children.Select(kv => (((YamlScalarNode)kv.Key).Value!, (YamlMappingNode)kv.Value));

    private static YamlMappingNode Service(string name) =>
        Map(Services, name) ?? throw new Xunit.Sdk.XunitException($"compose.yaml has no service {name}");

    /// <summary>environment: as a map or as a list of KEY=value.</summary>
    private static Dictionary<string, string> EnvOf(YamlMappingNode service)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!service.Children.TryGetValue(Key("environment"), out var env)) return result;
        if (env is YamlMappingNode map)
            foreach (var (k, v) in map.Children) result[((YamlScalarNode)k).Value!] = ((YamlScalarNode)v).Value ?? "";
        else
            foreach (var item in ((YamlSequenceNode)env).Children.Cast<YamlScalarNode>())
            {
                var parts = item.Value!.Split('=', 2);
                result[parts[0]] = parts.Length > 1 ? parts[1] : "";
            }
        return result;
    }

    /// <summary>The port a server listens on inside the network: its expose/ports entries, else the image default.</summary>
    private static int ServerPort(string name, int imageDefault)
    {
        var service = Service(name);
        var ports = new[] { "expose", "ports" }
            .Where(k => service.Children.ContainsKey(Key(k)))
            .SelectMany(k => ((YamlSequenceNode)service.Children[Key(k)]).Children)
            .Select(ContainerPort)
            .ToList();
        if (ports.Count == 0) return imageDefault;
        Assert.Contains(imageDefault, ports);
        return imageDefault;
    }

    /// <summary>Container side of a port entry: "8443", "443:8443", "${X:-443}:8443/tcp" or {target: 8443}.</summary>
    private static int ContainerPort(YamlNode entry)
    {
        if (entry is YamlMappingNode map) return int.Parse(Scalar(map, "target")!);
        var text = ((YamlScalarNode)entry).Value!;
        text = text.Split('/')[0];
        return int.Parse(text[(text.LastIndexOf(':') + 1)..]);
    }

    /// <summary>Port of an ASP.NET Core URL such as http://+:8080 or https://0.0.0.0:8443.</summary>
    private static int UrlPort(string urls)
    {
        var first = urls.Split(';')[0];
        var match = Regex.Match(first, @":(?<port>\d+)/?$");
        Assert.True(match.Success, $"no port in {urls}");
        return int.Parse(match.Groups["port"].Value);
    }

    private static string WithoutInterpolation(string value) => Regex.Replace(value, @"\$\{[^}]*\}", "secret");

    /// <summary>The project and every project it references, transitively (full paths).</summary>
    private static HashSet<string> ProjectClosure(string csproj)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(csproj)]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current)) continue;
            Assert.True(File.Exists(current), $"referenced project {current} does not exist");
            foreach (Match m in Regex.Matches(File.ReadAllText(current), @"<ProjectReference\s+Include=""(?<path>[^""]+)"""))
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, m.Groups["path"].Value.Replace('\\', '/'))));
        }
        return seen;
    }

    private static string AssemblyName(string csproj)
    {
        var text = File.ReadAllText(csproj);
        var match = Regex.Match(text, @"<AssemblyName>\s*(?<name>[^<\s]+)\s*</AssemblyName>");
        return match.Success ? match.Groups["name"].Value : Path.GetFileNameWithoutExtension(csproj);
    }
}
