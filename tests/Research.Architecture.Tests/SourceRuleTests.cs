using System.Text.RegularExpressions;
using Research.Testing;

namespace Research.Architecture.Tests;

/// <summary>Rules on production source text: constants with one name in one place.</summary>
public sealed partial class SourceRuleTests
{
    [Fact]
    public void Sessions_per_year_is_written_once_in_Research_Core()
    {
        var offenders = ProductionCode().Where(l => !l.File.EndsWith("Research.Core/Calendars/Annualisation.cs", StringComparison.Ordinal) && SessionsPerYearLiteral().IsMatch(l.Code)).ToList();
        Assert.True(offenders.Count == 0, "252 written out (use Annualisation.SessionsPerYear):" + Environment.NewLine + string.Join(Environment.NewLine, offenders.Select(o => $"{o.File}:{o.Line}: {o.Code.Trim()}")));
    }

    [Fact]
    public void Production_code_reads_time_from_an_injected_clock()
    {
        var offenders = ProductionCode().Where(l => WallClock().IsMatch(l.Code)).ToList();
        Assert.True(offenders.Count == 0, "wall clock read directly (inject TimeProvider; TimeProvider.System at the edge):" + Environment.NewLine + string.Join(Environment.NewLine, offenders.Select(o => $"{o.File}:{o.Line}: {o.Code.Trim()}")));
    }

    [Fact]
    public void Console_pages_reach_the_cluster_only_through_their_areas_facade()
    {
        var components = Path.Combine(TestEnvironment.RepositoryRoot, "console", "Research.Console", "Components");
        var offenders = ClusterAccess(components).ToList();
        Assert.True(offenders.Count == 0, "a page or component reaches the cluster directly (use its area's facade, e.g. ConsoleBacktests, ConsoleAccount):" + Environment.NewLine + string.Join(Environment.NewLine, offenders));
    }

    [Fact]
    public void The_page_rule_sees_an_injected_cluster_client()
    {
        using var dir = TestEnvironment.CreateTempDirectory("arch-page");
        File.WriteAllText(dir.Combine("Page.razor"), "@page \"/x\"\n@inject IClusterClient Cluster\n");
        File.WriteAllText(dir.Combine("Helper.cs"), "var grain = factory.GetGrain<IAuditGrain>(0);\n");
        File.WriteAllText(dir.Combine("Fine.razor"), "@inject ConsoleAudit AuditLog\n");
        Assert.Equal(2, ClusterAccess(dir.Path).Count());
    }

    [Fact]
    public void Tests_wait_through_the_deadline_helper_not_in_their_own_loops()
    {
        // The benchmarks pace load on purpose; Eventually is the helper itself. Timeouts are tested on a fake clock.
        string[] allowed = ["tests/Research.Testing/Eventually.cs"];
        var root = TestEnvironment.RepositoryRoot;
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal) ||
                relative.StartsWith("tests/Research.Benchmarks/", StringComparison.Ordinal) || allowed.Contains(relative))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            offenders.AddRange(lines.Select((l, i) => (Code: CodeOf(l), Line: i + 1)).Where(x => OwnWait().IsMatch(x.Code)).Select(x => $"{relative}:{x.Line}: {x.Code.Trim()}"));
        }

        Assert.True(offenders.Count == 0, "a test waits in its own loop (use Research.Testing.Eventually, which has a deadline):" + Environment.NewLine + string.Join(Environment.NewLine, offenders));
    }

    [Fact]
    public void The_rule_sees_a_literal_in_code_but_not_in_comments_or_strings()
    {
        Assert.Matches(SessionsPerYearLiteral(), CodeOf("var scale = Math.Sqrt(252.0);"));
        Assert.DoesNotMatch(SessionsPerYearLiteral(), CodeOf("/// <item>252 periods a year</item>"));
        Assert.DoesNotMatch(SessionsPerYearLiteral(), CodeOf("Description = \"Years of 252 sessions.\", x = 2520;"));
    }

    /// <summary>Code lines (comments and string literals blanked) of every .cs file under src/, grains/, silo/ and console/.</summary>
    internal static IEnumerable<(string File, int Line, string Code)> ProductionCode()
    {
        foreach (var folder in new[] { "src", "grains", "silo", "console" })
        {
            var root = Path.Combine(TestEnvironment.RepositoryRoot, folder);
            foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(TestEnvironment.RepositoryRoot, file).Replace('\\', '/');
                if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal))
                {
                    continue;
                }

                var lines = File.ReadAllLines(file);
                for (var i = 0; i < lines.Length; i++)
                {
                    yield return (relative, i + 1, CodeOf(lines[i]));
                }
            }
        }
    }

    /// <summary>Lines of .razor and .cs files under <paramref name="folder"/> that name the cluster client or ask it for a grain.</summary>
    private static IEnumerable<string> ClusterAccess(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories).Where(f => f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (ClusterClient().IsMatch(CodeOf(lines[i])))
                {
                    yield return $"{Path.GetRelativePath(folder, file)}:{i + 1}: {lines[i].Trim()}";
                }
            }
        }
    }

    private static string CodeOf(string line)
    {
        var trimmed = line.TrimStart();
        if (trimmed.StartsWith("//", StringComparison.Ordinal) || trimmed.StartsWith('*'))
        {
            return string.Empty;
        }

        var code = StringLiteral().Replace(line, "\"\"");
        var comment = code.IndexOf("//", StringComparison.Ordinal);
        return comment >= 0 ? code[..comment] : code;
    }

    [GeneratedRegex(@"(?<![\w.])252(\.0+)?(?![\w.])")]
    private static partial Regex SessionsPerYearLiteral();

    [GeneratedRegex(@"\b(IClusterClient|IGrainFactory)\b|\bGetGrain<")]
    private static partial Regex ClusterClient();

    [GeneratedRegex(@"while\s*\(\s*true\s*\)|\bTask\.Delay\(|\bThread\.Sleep\(")]
    private static partial Regex OwnWait();

    [GeneratedRegex(@"\bDateTime(Offset)?\.(Utc)?Now\b")]
    private static partial Regex WallClock();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();
}
