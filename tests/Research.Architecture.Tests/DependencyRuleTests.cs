using Research.Testing;

namespace Research.Architecture.Tests;

public sealed class DependencyRuleTests
{
    [Fact]
    public void The_solution_keeps_every_dependency_rule()
    {
        var graph = ProjectGraph.Load(TestEnvironment.RepositoryRoot);
        Assert.Contains("Research.Core", graph.Nodes.Keys);
        Assert.Contains("Research.Console", graph.Nodes.Keys);
        var violations = DependencyRules.Check(graph);
        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public void Every_project_is_in_the_solution()
    {
        var solution = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "Research.sln"));
        var graph = ProjectGraph.Load(TestEnvironment.RepositoryRoot);
        var missing = graph.Nodes.Values.Where(n => !solution.Contains(n.RelativePath.Replace('/', '\\'), StringComparison.Ordinal)).Select(n => n.RelativePath).ToList();
        Assert.True(missing.Count == 0, "not in Research.sln: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_test_assembly_has_a_category_and_the_unit_loop_holds_the_unit_ones()
    {
        var root = TestEnvironment.RepositoryRoot;
        var filter = File.ReadAllText(Path.Combine(root, "tests", "Unit.slnf"));
        var problems = new List<string>();
        foreach (var project in ProjectGraph.Load(root).Nodes.Values.Where(n => n.Folder == "tests" && n.Name.EndsWith(".Tests", StringComparison.Ordinal)))
        {
            var traits = Path.Combine(root, "tests", project.Name, "AssemblyTraits.cs");
            var text = File.Exists(traits) ? File.ReadAllText(traits) : string.Empty;
            var unit = text.Contains("[assembly: Trait(\"Category\", \"Unit\")]", StringComparison.Ordinal);
            if (!unit && !text.Contains("[assembly: Trait(\"Category\", \"Integration\")]", StringComparison.Ordinal))
            {
                problems.Add($"{project.Name} has no assembly category (tests/{project.Name}/AssemblyTraits.cs: Unit or Integration).");
            }

            if (unit != filter.Contains(project.RelativePath.Replace('/', '\\').Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal))
            {
                problems.Add($"{project.Name} is {(unit ? "a Unit assembly missing from" : "not a Unit assembly but listed in")} tests/Unit.slnf.");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [InlineData("src", "Research.Data", "<PackageReference Include=\"Microsoft.Orleans.Sdk\" />", "depends on Orleans package")]
    [InlineData("console", "Research.Console", "<ProjectReference Include=\"..\\..\\src\\Research.Core\\Research.Core.csproj\" />", "talks to grains through")]
    [InlineData("grains", "Research.Grains.Abstractions", "<ProjectReference Include=\"..\\..\\src\\Research.Core\\Research.Core.csproj\" />", "reference no implementation")]
    [InlineData("src", "Research.Core", "<ProjectReference Include=\"..\\Research.Data\\Research.Data.csproj\" />", "dependencies point")]
    [InlineData("src", "Research.Data", "<PackageReference Include=\"Parquet.Net\" Version=\"6.1.0\" />", "Directory.Packages.props")]
    [InlineData("src", "Research.Backtesting", "<ProjectReference Include=\"..\\Research.Platform.Storage\\Research.Platform.Storage.csproj\" />", "never reach the security stores")]
    [InlineData("src", "Research.Analytics", "<PackageReference Include=\"Microsoft.Extensions.Identity.Stores\" />", "identity and the platform's SQL stores live in")]
    [InlineData("src", "Research.Data", "<PackageReference Include=\"Microsoft.Data.Sqlite\" />", "identity and the platform's SQL stores live in")]
    [InlineData("silo", "Research.Hosting", "<ProjectReference Include=\"..\\..\\src\\Research.Platform.Storage\\Research.Platform.Storage.csproj\" />", "use the platform's stores")]
    public void A_broken_rule_is_reported(string folder, string project, string reference, string expected)
    {
        using var repo = TestEnvironment.CreateTempDirectory("arch");
        Write(repo, "src", "Research.Core", string.Empty);
        Write(repo, "src", "Research.Data", "<ProjectReference Include=\"..\\Research.Core\\Research.Core.csproj\" />");
        Write(repo, "src", "Research.Analytics", "<ProjectReference Include=\"..\\Research.Data\\Research.Data.csproj\" />");
        Write(repo, "src", "Research.Backtesting", "<ProjectReference Include=\"..\\Research.Analytics\\Research.Analytics.csproj\" />");
        Write(repo, "src", "Research.Platform.Storage", "<ProjectReference Include=\"..\\Research.Backtesting\\Research.Backtesting.csproj\" /><PackageReference Include=\"Microsoft.Extensions.Identity.Stores\" />");
        Write(repo, "silo", "Research.Hosting", string.Empty);
        Write(repo, "grains", "Research.Grains.Abstractions", "<PackageReference Include=\"Microsoft.Orleans.Sdk\" />");
        Write(repo, "console", "Research.Console", "<ProjectReference Include=\"..\\..\\grains\\Research.Grains.Abstractions\\Research.Grains.Abstractions.csproj\" />");
        Assert.Empty(DependencyRules.Check(ProjectGraph.Load(repo.Path)));

        Write(repo, folder, project, reference);
        var violations = DependencyRules.Check(ProjectGraph.Load(repo.Path));
        Assert.Contains(violations, v => v.Contains(expected, StringComparison.Ordinal));
    }

    private static void Write(TempDirectory repo, string folder, string project, string items)
    {
        var dir = repo.Combine(folder, project);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, project + ".csproj"), $"<Project Sdk=\"Microsoft.NET.Sdk\"><ItemGroup>{items}</ItemGroup></Project>");
    }
}
