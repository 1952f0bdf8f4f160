using System.Diagnostics;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>
/// The <c>./research</c> script in a copy of the repository's shape, with a stand-in <c>dotnet</c> on PATH that logs
/// each call (and "builds" by writing the CLI's dll): it builds once, then only after a source change, never for a
/// change under bin/ or obj/, and a failed build runs nothing and is tried again next time.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // a bash script, run on Linux and macOS
public sealed class ShimTests
{
    private sealed class FakeRepository : IDisposable
    {
        private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("shim");

        public FakeRepository()
        {
            foreach (var folder in new[] { "src/Research.Cli", "grains/Research.Grains", "silo/Research.Silo", "console/Research.Console", "tools" })
            {
                Directory.CreateDirectory(Path.Combine(Root, folder));
            }

            File.Copy(Path.Combine(TestEnvironment.RepositoryRoot, "research"), Script);
            File.SetUnixFileMode(Script, File.GetUnixFileMode(Script) | UnixFileMode.UserExecute);
            File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project />");
            File.WriteAllText(Path.Combine(Root, "grains/Research.Grains/Grain.cs"), "// a source");
            var dotnet = Path.Combine(Root, "tools", "dotnet");
            File.WriteAllText(dotnet, $"""
                #!/usr/bin/env bash
                echo "$*" >> '{Log}'
                if [[ "$1" == build ]]; then
                  [[ -f '{Root}/fail-build' ]] && exit 3
                  mkdir -p '{Root}/src/Research.Cli/bin/Release/net10.0' && touch '{Root}/src/Research.Cli/bin/Release/net10.0/research.dll'
                else
                  echo "cli ran: $*"
                fi
                """);
            File.SetUnixFileMode(dotnet, File.GetUnixFileMode(dotnet) | UnixFileMode.UserExecute);
        }

        private static readonly DateTime Past = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        public string Root => _dir.Path;

        public string Script => Path.Combine(Root, "research");

        public string Log => Path.Combine(Root, "dotnet-calls.log");

        public string[] Calls => File.Exists(Log) ? File.ReadAllLines(Log) : [];

        public (int Code, string Output, string Error) Run(params string[] args)
        {
            var info = new ProcessStartInfo(Script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.Environment["PATH"] = Path.Combine(Root, "tools") + ":" + Environment.GetEnvironmentVariable("PATH");
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, error);
        }

        /// <summary>
        /// Marks a file as changed after the last build, on fixed past times (no clock): every file at
        /// <see cref="Past"/>, the build's stamp a day later, the file two days later; the next build's stamp is newer still.
        /// </summary>
        public void Touch(string relative)
        {
            foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            {
                File.SetLastWriteTimeUtc(file, Past);
            }

            var stamp = Path.Combine(Root, "src/Research.Cli/bin/Release/net10.0/.research-built");
            File.SetLastWriteTimeUtc(stamp, Past.AddDays(1));
            var path = Path.Combine(Root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "changed");
            File.SetLastWriteTimeUtc(path, Past.AddDays(2));
        }

        public void Dispose() => _dir.Dispose();
    }

    [Fact]
    public void The_script_builds_the_platform_once_then_runs_the_built_cli_and_builds_again_only_after_a_source_change()
    {
        using var repo = new FakeRepository();
        var (code, output, error) = repo.Run("status", "--json");
        Assert.Equal(0, code);
        Assert.Contains("building the CLI, the silo and the console", error, StringComparison.Ordinal);
        Assert.Equal($"build {repo.Root}/src/Platform.slnf -c Release --nologo -v quiet", repo.Calls[0]);
        Assert.Equal($"cli ran: {repo.Root}/src/Research.Cli/bin/Release/net10.0/research.dll status --json", output.Trim());

        // Built: straight to the CLI.
        (code, _, error) = repo.Run("--help");
        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Single(repo.Calls, c => c.StartsWith("build", StringComparison.Ordinal));

        // Build output and intermediate files do not count as changes; a source, a project or a props file does.
        repo.Touch("grains/Research.Grains/bin/Release/net10.0/Research.Grains.dll");
        repo.Touch("silo/Research.Silo/obj/project.assets.json");
        repo.Run("--help");
        Assert.Single(repo.Calls, c => c.StartsWith("build", StringComparison.Ordinal));
        foreach (var (changed, builds) in new[] { ("console/Research.Console/Components/Page.razor", 2), ("silo/Research.Silo/Research.Silo.csproj", 3), ("Directory.Packages.props", 4) })
        {
            repo.Touch(changed);
            repo.Run("--help");
            Assert.Equal(builds, repo.Calls.Count(c => c.StartsWith("build", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void A_failed_build_runs_nothing_exits_with_the_builds_code_and_is_tried_again_next_time()
    {
        using var repo = new FakeRepository();
        File.WriteAllText(Path.Combine(repo.Root, "fail-build"), "");
        var (code, output, error) = repo.Run("status");
        Assert.Equal(3, code);
        Assert.Empty(output);
        Assert.Contains("the build failed (exit 3)", error, StringComparison.Ordinal);
        Assert.DoesNotContain(repo.Calls, c => c.Contains("research.dll", StringComparison.Ordinal));

        File.Delete(Path.Combine(repo.Root, "fail-build"));
        (code, output, _) = repo.Run("status");
        Assert.Equal(0, code);
        Assert.Contains("cli ran:", output, StringComparison.Ordinal);
        Assert.Equal(2, repo.Calls.Count(c => c.StartsWith("build", StringComparison.Ordinal)));
    }
}
