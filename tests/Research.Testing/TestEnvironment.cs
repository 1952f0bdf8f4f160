using Xunit;

namespace Research.Testing;

/// <summary>
/// Where tests find the repository and the real data, and what they do when an integration dependency is
/// missing: skip with a printed reason when run bare, fail when <c>RESEARCH_REQUIRE_INTEGRATION=1</c>
/// (the test script and CI set it).
/// </summary>
public static class TestEnvironment
{
    /// <summary>True when integration dependencies must be present (set by ./test.sh and CI).</summary>
    public static bool IntegrationRequired =>
        Environment.GetEnvironmentVariable("RESEARCH_REQUIRE_INTEGRATION") == "1";

    /// <summary>The repository root (the folder holding Research.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>
    /// The real-data folder (<c>RESEARCH_REAL_DATA</c>, normally <c>../shared/data</c>). Skips the calling test with the
    /// reason when it is not there (the test script sets the variable whenever the folder exists beside the clone);
    /// a variable that points at a missing folder is an error.
    /// </summary>
    public static string RequireRealData()
    {
        var folder = Environment.GetEnvironmentVariable("RESEARCH_REAL_DATA");
        if (string.IsNullOrWhiteSpace(folder))
        {
            Assert.Skip("Skipped: RESEARCH_REAL_DATA is not set (no ../shared/data beside this clone).");
        }

        if (!Directory.Exists(folder))
        {
            Assert.Fail($"RESEARCH_REAL_DATA points at {folder}, which does not exist.");
        }

        return Path.GetFullPath(folder);
    }

    /// <summary>
    /// A PostgreSQL connection string for a throwaway server (<c>RESEARCH_TEST_POSTGRES</c>, set by ./test.sh).
    /// Skips or fails like <see cref="RequireRealData"/>.
    /// </summary>
    public static string RequirePostgres()
    {
        var cs = Environment.GetEnvironmentVariable("RESEARCH_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(cs))
        {
            Unavailable("PostgreSQL not available (RESEARCH_TEST_POSTGRES is not set; ./test.sh starts one)");
        }

        return cs!;
    }

    /// <summary>The system Chromium (<c>RESEARCH_CHROMIUM</c>, else <c>/usr/bin/chromium</c>); skips or fails like <see cref="RequireRealData"/> when there is none.</summary>
    public static string RequireChromium()
    {
        var path = Environment.GetEnvironmentVariable("RESEARCH_CHROMIUM") is { Length: > 0 } p ? p : "/usr/bin/chromium";
        if (!File.Exists(path))
        {
            Unavailable($"Chromium not found at {path} (./test.sh installs it)");
        }

        return path;
    }

    /// <summary>Skips the current test with a reason, or fails it when integration is required.</summary>
    public static void Unavailable(string reason)
    {
        if (IntegrationRequired)
        {
            Assert.Fail($"RESEARCH_REQUIRE_INTEGRATION=1 but {reason}.");
        }

        Assert.Skip($"Skipped: {reason}.");
    }

    /// <summary>A fresh temporary directory, deleted by disposing the result.</summary>
    public static TempDirectory CreateTempDirectory(string prefix = "research-test") => new(prefix);

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Research.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException(
            $"Research.sln not found above {AppContext.BaseDirectory}; tests must run from a clone of the repository.");
    }
}
