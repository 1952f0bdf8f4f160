using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>
/// Every command in the README, as written, on the demo warehouse with the local platform running (started by
/// <c>research up</c> as the README says). A line that needs an outside service says so in its comment ("needs WRDS",
/// "needs the internet"); it is checked to parse (command and options exist) with <c>--help</c> instead of run. The
/// blocks that start the platform or run the tests themselves are named here and not run (other tests cover them).
/// </summary>
[Trait("Category", "Slow")]
public sealed partial class ReadmeTests
{
    /// <summary>Blocks left out, by a line they contain, and why.</summary>
    private static readonly Dictionary<string, string> NotRunHere = new(StringComparer.Ordinal)
    {
        ["./research up"] = "builds and starts the platform in the foreground (LocalPlatformTests runs 'up', ShimTests the script)",
        ["./test.sh"] = "runs this test",
        ["dotnet test tests/Unit.slnf"] = "runs the unit tests",
    };

    [Fact]
    public async Task Every_command_in_the_README_runs_as_written_on_the_demo_warehouse()
    {
        var ct = TestContext.Current.CancellationToken;
        var blocks = ShellBlocks(await File.ReadAllTextAsync(Path.Combine(TestEnvironment.RepositoryRoot, "README.md"), ct));
        var runnable = blocks.Where(b => !NotRunHere.Keys.Any(k => b.Any(line => line.Contains(k, StringComparison.Ordinal)))).ToList();
        Assert.True(runnable.Count >= 3, $"README blocks with commands to run: {runnable.Count}");
        Assert.All(NotRunHere.Keys, key => Assert.Contains(blocks, b => b.Any(line => line.Contains(key, StringComparison.Ordinal))));

        using var dir = TestEnvironment.CreateTempDirectory("readme");
        var work = Path.Combine(dir.Path, "work");
        Directory.CreateDirectory(Path.Combine(work, "tests"));
        Directory.CreateSymbolicLink(Path.Combine(work, "tests", "golden"), Path.Combine(TestEnvironment.RepositoryRoot, "tests", "golden")); // the README runs from the repository root
        var dataRoot = Path.Combine(dir.Path, "data");
        using var platform = await StartPlatformAsync(dataRoot, ct);

        var cli = Path.Combine(AppContext.BaseDirectory, "research.dll");
        var failures = new List<string>();
        foreach (var block in runnable)
        {
            var (code, output, error) = await RunBlockAsync(Script(block, cli), work, dataRoot, ct);
            if (code != 0)
            {
                // The failing line and the command's own error; the progress lines around them are left out.
                var said = error.Split('\n').Where(l => l.StartsWith("README line failed", StringComparison.Ordinal) || l.StartsWith("error", StringComparison.Ordinal));
                failures.Add($"exit {code.ToString(CultureInfo.InvariantCulture)}: {string.Join("\n", said)}\n{Tail(output)}");
            }
        }

        Assert.True(failures.Count == 0, "README commands failed:\n" + string.Join("\n---\n", failures));
        Assert.True(File.Exists(Path.Combine(work, "t.html")), "the tear sheet page the README writes");
    }

    [Fact]
    public void A_script_defines_research_once_checks_outside_services_with_help_and_names_a_failing_line()
    {
        var script = Script(
        [
            "export PATH=\"$PWD:$PATH\"         # `research` = ./research from here on",
            "research wrds check          # (needs WRDS) login",
            "job=$(research backtest submit --strategy value --quiet)",
        ], "/x/research.dll");
        Assert.DoesNotContain("export PATH", script, StringComparison.Ordinal);
        Assert.Contains("research() { dotnet '/x/research.dll' \"$@\"; }", script, StringComparison.Ordinal);
        Assert.Contains("research wrds check --help", script, StringComparison.Ordinal);
        Assert.Contains("job=$(research backtest submit --strategy value --quiet)", script, StringComparison.Ordinal);
        Assert.Contains("README line failed", script, StringComparison.Ordinal);
    }

    /// <summary>The lines of each fenced <c>sh</c> block.</summary>
    private static List<string[]> ShellBlocks(string markdown) =>
        [.. ShellBlock().Matches(markdown).Select(m => m.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    /// <summary>A bash script for one block: the README's way to <c>research</c> (the ./research script on PATH) replaced by the built CLI under test.</summary>
    private static string Script(IEnumerable<string> lines, string cli)
    {
        var script = new StringBuilder()
            .AppendLine("set -eo pipefail")
            .AppendLine(CultureInfo.InvariantCulture, $"research() {{ dotnet '{cli}' \"$@\"; }}")
            .AppendLine("trap 'echo \"README line failed: $BASH_COMMAND\" >&2' ERR");
        foreach (var line in lines)
        {
            if (line.StartsWith("export PATH=", StringComparison.Ordinal))
            {
                continue;
            }

            var comment = line.IndexOf(" #", StringComparison.Ordinal);
            var needsOutside = comment >= 0 && (line[comment..].Contains("needs WRDS", StringComparison.Ordinal) || line[comment..].Contains("needs the internet", StringComparison.Ordinal));
            script.AppendLine(needsOutside ? line[..comment].TrimEnd() + " --help > /dev/null" : line);
        }

        return script.ToString();
    }

    private static async Task<(int Code, string Output, string Error)> RunBlockAsync(string script, string workingDirectory, string dataRoot, CancellationToken ct)
    {
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add("-s");
        info.Environment["Research__DataRoot"] = dataRoot;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await output, await error);
    }

    /// <summary>'research up' on free ports over <paramref name="dataRoot"/> (it seeds the demo warehouse), once its silo answers.</summary>
    private static async Task<RunningPlatform> StartPlatformAsync(string dataRoot, CancellationToken ct)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "research.dll"), "up", "--data-root", dataRoot,
            "--console-port", FreePorts.Next().ToString(CultureInfo.InvariantCulture), "--silo-http-port", FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            "--silo-port", FreePorts.Next().ToString(CultureInfo.InvariantCulture), "--gateway-port", FreePorts.Next().ToString(CultureInfo.InvariantCulture),
        })
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } l) { errors.Enqueue(l); } };
        process.BeginErrorReadLine();
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(ct);
        startup.CancelAfter(TimeSpan.FromMinutes(4));
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync(startup.Token)) is not null && !line.StartsWith("Silo health: ", StringComparison.Ordinal))
        {
        }

        if (line is null)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("research up ended before its silo answered:\n" + string.Join("\n", errors.TakeLast(30)));
        }

        _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None); // keep draining, so the platform never blocks on a full pipe
        return new RunningPlatform(process);
    }

    /// <summary>The platform's process tree, killed when the test ends (its graceful stop is LocalPlatformTests' concern).</summary>
    private sealed class RunningPlatform(Process process) : IDisposable
    {
        public void Dispose()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            process.Dispose();
        }
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();
}
