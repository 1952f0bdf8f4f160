using Research.Testing;

namespace Research.Reports.Tests;

/// <summary>Golden report pages in <c>tests/golden/reports</c>: a page that differs fails, naming the first differing line.</summary>
internal static class Golden
{
    public static void Check(string name, string actual)
    {
        var file = Path.Combine(TestEnvironment.RepositoryRoot, "tests", "golden", "reports", name);
        if (Environment.GetEnvironmentVariable("RESEARCH_REGENERATE_REPORTS") == "1")
        {
            File.WriteAllText(file, actual);
            Assert.Fail($"wrote {file}; review the change, commit it and run again without RESEARCH_REGENERATE_REPORTS.");
        }

        Assert.True(File.Exists(file), $"golden page {file} is missing (RESEARCH_REGENERATE_REPORTS=1 writes it).");
        var expected = File.ReadAllText(file).Split('\n');
        var lines = actual.Split('\n');
        for (var i = 0; i < Math.Max(expected.Length, lines.Length); i++)
        {
            var e = i < expected.Length ? expected[i] : "(end of page)";
            var a = i < lines.Length ? lines[i] : "(end of page)";
            Assert.True(e == a, $"{name} differs from its golden page at line {i + 1}:\n  golden: {Clip(e)}\n  now:    {Clip(a)}");
        }
    }

    private static string Clip(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
