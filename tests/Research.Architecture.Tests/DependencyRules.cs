namespace Research.Architecture.Tests;

/// <summary>
/// The dependency rules of docs/ARCHITECTURE.md, checked against a <see cref="ProjectGraph"/>. Each violation
/// is a sentence naming the project and the reference that breaks the rule.
/// </summary>
internal static class DependencyRules
{
    /// <summary>Libraries in src/, lowest first: each may reference only those before it.</summary>
    private static readonly string[] LibraryOrder = ["Research.Core", "Research.Data", "Research.Analytics", "Research.Backtesting", "Research.Platform.Storage"];

    /// <summary>The libraries that hold the maths and the warehouse: they never reach identity or the platform's SQL stores.</summary>
    private static readonly string[] AnalyticsLibraries = ["Research.Core", "Research.Data", "Research.Analytics", "Research.Backtesting"];

    /// <summary>The platform's relational stores (users, sessions, API keys, audit, results, migrations).</summary>
    private const string PlatformStorage = "Research.Platform.Storage";

    /// <summary>The only projects (besides tests and benchmarks) that may reference <see cref="PlatformStorage"/>.</summary>
    /// <summary>The applications under src/ that join the cluster as clients (ADR 0006): the CLI and the example trading service.</summary>
    private static readonly string[] ClientApplications = ["Research.Cli", "Research.TradingService"];

    private static readonly string[] PlatformStorageUsers = ["Research.Grains", "Research.Silo", "Research.Cli"];

    public static List<string> Check(ProjectGraph graph)
    {
        var violations = new List<string>();
        foreach (var node in graph.Nodes.Values)
        {
            if (node.PackagesWithInlineVersion.Count > 0)
            {
                violations.Add($"{node.Name} sets package versions inline ({string.Join(", ", node.PackagesWithInlineVersion)}); versions belong in Directory.Packages.props.");
            }

            if (node.Folder == "src" && !ClientApplications.Contains(node.Name))
            {
                foreach (var (project, package) in graph.PackagesInClosure(node.Name).Where(p => IsOrleans(p.Package)))
                {
                    violations.Add($"{node.Name} (a library under src/) depends on Orleans package {package} through {project}.");
                }

                foreach (var r in graph.Closure(node.Name).Where(r => graph.Nodes.TryGetValue(r, out var n) && n.Folder != "src"))
                {
                    violations.Add($"{node.Name} (src/) references {r} from {graph.Nodes[r].Folder}/; src/ libraries reference only src/ libraries.");
                }

                var rank = Array.IndexOf(LibraryOrder, node.Name);
                foreach (var r in node.ProjectReferences)
                {
                    var target = Array.IndexOf(LibraryOrder, r);
                    if (rank >= 0 && target >= rank)
                    {
                        violations.Add($"{node.Name} references {r}: dependencies point Backtesting -> Analytics -> Data -> Core.");
                    }
                }
            }

            if (AnalyticsLibraries.Contains(node.Name))
            {
                if (graph.Closure(node.Name).Contains(PlatformStorage))
                {
                    violations.Add($"{node.Name} reaches {PlatformStorage}; analytics and backtesting never reach the security stores or the platform's SQL.");
                }

                foreach (var (project, package) in graph.PackagesInClosure(node.Name).Where(p => IsIdentityOrPlatformSql(p.Package)))
                {
                    violations.Add($"{node.Name} depends on {package} through {project}; identity and the platform's SQL stores live in {PlatformStorage}.");
                }
            }

            if (node.ProjectReferences.Contains(PlatformStorage) && !PlatformStorageUsers.Contains(node.Name) && node.Folder != "tests")
            {
                violations.Add($"{node.Name} references {PlatformStorage}; only {string.Join(", ", PlatformStorageUsers)} use the platform's stores.");
            }

            if (ClientApplications.Contains(node.Name))
            {
                foreach (var r in graph.Closure(node.Name).Where(r => r is "Research.Grains" || (graph.Nodes.TryGetValue(r, out var n) && n.Folder is "silo" or "console")))
                {
                    violations.Add($"{node.Name} references {r}; it is a client: Orleans client and grain interfaces only.");
                }

                foreach (var package in graph.Nodes[node.Name].Packages.Where(IsOrleans).Where(p => p != "Microsoft.Orleans.Client"))
                {
                    violations.Add($"{node.Name} references {package}; only the Orleans client is allowed.");
                }
            }

            if (node.Folder == "console")
            {
                foreach (var r in graph.Closure(node.Name))
                {
                    if (r == "Research.Grains" || (graph.Nodes.TryGetValue(r, out var n) && n.Folder == "src"))
                    {
                        violations.Add($"{node.Name} references {r}; the console talks to grains through Research.Grains.Abstractions only.");
                    }
                }
            }

            if (node.Name == "Research.Grains.Abstractions")
            {
                foreach (var r in node.ProjectReferences)
                {
                    violations.Add($"Research.Grains.Abstractions references {r}; interfaces and DTOs reference no implementation.");
                }

                foreach (var package in node.Packages.Where(p => p != "Microsoft.Orleans.Sdk"))
                {
                    violations.Add($"Research.Grains.Abstractions references package {package}; only Microsoft.Orleans.Sdk is allowed.");
                }
            }
        }

        return violations;
    }

    private static bool IsIdentityOrPlatformSql(string package) =>
        package.StartsWith("Microsoft.Extensions.Identity.", StringComparison.OrdinalIgnoreCase) ||
        package.StartsWith("Microsoft.AspNetCore.Identity", StringComparison.OrdinalIgnoreCase) ||
        package.Equals("Microsoft.Data.Sqlite", StringComparison.OrdinalIgnoreCase);

    private static bool IsOrleans(string package) => package.StartsWith("Microsoft.Orleans.", StringComparison.OrdinalIgnoreCase);
}
