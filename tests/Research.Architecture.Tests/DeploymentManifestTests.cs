using System.Globalization;
using System.Text.RegularExpressions;
using Research.Grains.Client;
using Research.Hosting;
using Research.Testing;
using YamlDotNet.RepresentationModel;

namespace Research.Architecture.Tests;

/// <summary>The Kubernetes manifests and the Dockerfile name the ports, paths and settings the code actually uses.</summary>
public sealed partial class DeploymentManifestTests
{
    private static readonly string K8s = Path.Combine(TestEnvironment.RepositoryRoot, "k8s");

    private static readonly string[] FrameworkVariables = ["ASPNETCORE_URLS", "DOTNET_gcServer"];

    [Fact]
    public void Every_environment_variable_in_the_manifests_is_a_setting_the_code_reads()
    {
        var unknown = new List<string>();
        foreach (var name in ConfigMapData().Keys.Concat(Containers().SelectMany(c => EnvNames(c.Container))))
        {
            if (!IsKnown(name))
            {
                unknown.Add(name);
            }
        }

        Assert.True(unknown.Count == 0, "settings no code reads: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Probes_point_at_the_health_endpoints_on_the_port_the_process_listens_on()
    {
        var containers = Containers().ToList();
        Assert.Equal(["console", "silo"], containers.Select(c => c.Container.Child("name").Text()).Order());
        foreach (var (_, container) in containers)
        {
            var ports = container.Child("ports").Items().ToDictionary(p => p.Child("name").Text(), p => int.Parse(p.Child("containerPort").Text(), CultureInfo.InvariantCulture));
            var urls = container.Child("env").Items().Single(e => e.Child("name").Text() == "ASPNETCORE_URLS").Child("value").Text();
            Assert.Equal(HealthEndpoints.ContainerHttpPort, int.Parse(urls[(urls.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
            // Liveness: /health (200 while the process works, even degraded); readiness: the console's /ready (503 until
            // it reaches the cluster, so it is kept out of the service without a restart), the silo's /health.
            var name = container.Child("name").Text();
            foreach (var (probe, path) in new[] { ("readinessProbe", name == "console" ? HealthEndpoints.Ready : HealthEndpoints.Health), ("livenessProbe", HealthEndpoints.Health) })
            {
                var http = container.Child(probe).Child("httpGet");
                Assert.Equal(path, http.Child("path").Text());
                Assert.Equal(HealthEndpoints.ContainerHttpPort, ports[http.Child("port").Text()]);
            }
        }
    }

    [Fact]
    public void Silo_ports_and_the_PostgreSQL_secret_match_the_configuration()
    {
        var config = ConfigMapData();
        var silo = Containers().Single(c => c.Container.Child("name").Text() == "silo").Container;
        var ports = silo.Child("ports").Items().Select(p => int.Parse(p.Child("containerPort").Text(), CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(int.Parse(config[Env(ConfigurationKeys.SiloPort)], CultureInfo.InvariantCulture), ports);
        Assert.Contains(int.Parse(config[Env(ConfigurationKeys.GatewayPort)], CultureInfo.InvariantCulture), ports);
        Assert.Equal("Production", config[Env(ConfigurationKeys.Profile)]);

        var secret = Documents().Single(d => d.Child("kind").Text() == "Secret");
        var secretName = secret.Child("metadata").Child("name").Text();
        var secretKeys = secret.Child("stringData").Keys().ToList();
        foreach (var (_, container) in Containers())
        {
            var reference = container.Child("env").Items().Single(e => e.Child("name").Text() == Env(ConfigurationKeys.OrleansConnectionString))
                .Child("valueFrom").Child("secretKeyRef");
            Assert.Equal(secretName, reference.Child("name").Text());
            Assert.Contains(reference.Child("key").Text(), secretKeys);
        }

        var service = Documents().Single(d => d.Child("kind").Text() == "Service");
        Assert.Equal("http", service.Child("spec").Child("ports").Items().Single().Child("targetPort").Text());
    }

    [Fact]
    public void The_Dockerfile_builds_both_targets_with_the_same_ports_and_settings()
    {
        var dockerfile = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "Dockerfile"));
        Assert.Matches(@"FROM \S+ AS silo", dockerfile);
        Assert.Matches(@"FROM \S+ AS console", dockerfile);
        Assert.Contains($"ASPNETCORE_URLS=http://+:{HealthEndpoints.ContainerHttpPort}", dockerfile, StringComparison.Ordinal);
        Assert.Contains($"EXPOSE {HealthEndpoints.ContainerHttpPort} 11111 30000", dockerfile, StringComparison.Ordinal);
        var settings = DockerEnv().Matches(dockerfile).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(settings);
        Assert.All(settings, s => Assert.True(IsKnown(s), $"Dockerfile sets {s}, which no code reads"));
    }

    private static bool IsKnown(string name) =>
        FrameworkVariables.Contains(name) || name.StartsWith("OTEL_", StringComparison.Ordinal) ||
        ConfigurationKeys.All.Contains(name.Replace("__", ":", StringComparison.Ordinal)) ||
        name.Replace("__", ":", StringComparison.Ordinal) == Observability.LoggingFormatKey;

    private static string Env(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    [Fact]
    public void Only_the_platforms_pods_reach_the_silo_and_gateway_ports_and_consoles_share_the_key_ring()
    {
        var config = ConfigMapData();
        var policy = Documents().Single(d => d.Child("kind").Text() == "NetworkPolicy").Child("spec");
        Assert.Equal("research-silo", policy.Child("podSelector").Child("matchLabels").Child("app.kubernetes.io/name").Text());
        var rules = policy.Child("ingress").Items().ToList();
        var cluster = rules.Single(r => r.Has("from"));
        Assert.Equal("research", cluster.Child("from").Items().Single().Child("podSelector").Child("matchLabels").Child("app.kubernetes.io/part-of").Text());
        Assert.Equal(
            new[] { config[Env(ConfigurationKeys.SiloPort)], config[Env(ConfigurationKeys.GatewayPort)] }.Order(),
            cluster.Child("ports").Items().Select(p => p.Child("port").Text()).Order());
        var open = rules.Single(r => !r.Has("from"));
        Assert.Equal(HealthEndpoints.ContainerHttpPort.ToString(CultureInfo.InvariantCulture), open.Child("ports").Items().Single().Child("port").Text());

        // The console keeps its data-protection keys under the data root: the shared volume, not the container's disk.
        var console = Containers().Single(c => c.Container.Child("name").Text() == "console").Container;
        Assert.Contains(console.Child("volumeMounts").Items(), m => m.Child("mountPath").Text() == config[Env(ConfigurationKeys.DataRoot)]);
    }

    private static IEnumerable<string> EnvNames(YamlNode container) =>
        container.Has("env") ? container.Child("env").Items().Select(e => e.Child("name").Text()) : [];

    private static Dictionary<string, string> ConfigMapData() =>
        Documents().Single(d => d.Child("kind").Text() == "ConfigMap").Child("data") is var data
            ? data.Keys().ToDictionary(k => k, k => data.Child(k).Text())
            : [];

    private static IEnumerable<(YamlNode Deployment, YamlNode Container)> Containers() =>
        Documents().Where(d => d.Child("kind").Text() == "Deployment")
            .SelectMany(d => d.Child("spec").Child("template").Child("spec").Child("containers").Items().Select(c => (d, c)));

    private static List<YamlNode> Documents()
    {
        var documents = new List<YamlNode>();
        foreach (var file in Directory.EnumerateFiles(K8s, "*.yaml").Order())
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(file);
            stream.Load(reader);
            documents.AddRange(stream.Documents.Select(d => d.RootNode));
        }

        return documents;
    }

    [GeneratedRegex(@"^\s*(?:ENV\s+)?(Research__[A-Za-z_]+|ASPNETCORE_URLS|DOTNET_\w+)=", RegexOptions.Multiline)]
    private static partial Regex DockerEnv();
}

internal static class YamlExtensions
{
    public static YamlNode Child(this YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? child
            : throw new KeyNotFoundException($"missing '{key}' at line {node.Start.Line}");

    public static bool Has(this YamlNode node, string key) => ((YamlMappingNode)node).Children.ContainsKey(new YamlScalarNode(key));

    public static string Text(this YamlNode node) => ((YamlScalarNode)node).Value ?? string.Empty;

    public static IEnumerable<YamlNode> Items(this YamlNode node) => ((YamlSequenceNode)node).Children;

    public static IEnumerable<string> Keys(this YamlNode node) => ((YamlMappingNode)node).Children.Keys.Select(k => ((YamlScalarNode)k).Value!);
}
