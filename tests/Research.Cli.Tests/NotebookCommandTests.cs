using System.Diagnostics;
using System.Text.Json;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>
/// <c>research notebooks start|list|stop</c> on a fresh data root: the server answers on its address with the token and
/// only with it, its helper queries the warehouse through this CLI (read-only: a write is refused with the CLI's reason),
/// stop ends it, and bad input is refused by name.
/// </summary>
public sealed class NotebookCommandTests
{
    [Fact]
    public async Task A_notebook_server_starts_queries_read_only_through_the_cli_and_stops()
    {
        if (!File.Exists("/usr/bin/jupyter-notebook"))
        {
            TestEnvironment.Unavailable("Jupyter's classic notebook is not installed (apt package jupyter-notebook; test.sh installs it)");
        }

        using var dir = TestEnvironment.CreateTempDirectory("cli-notebooks");
        var root = dir.Path;
        Assert.Equal(0, (await CliRunner.RunAsync("sync", "--full-sync", "--dataset", "famafrench", "--data-root", root)).ExitCode);
        var (code, output, error) = await CliRunner.RunAsync("query", "SELECT count(*) AS n FROM famafrench.factors_daily", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        long rows;
        using (var counted = JsonDocument.Parse(output))
        {
            rows = counted.RootElement.GetProperty("rows")[0][0].GetInt64();
        }

        (code, output, error) = await CliRunner.RunAsync("notebooks", "start", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        string id, url;
        int pid;
        using (var started = JsonDocument.Parse(output))
        {
            id = started.RootElement.GetProperty("id").GetString()!;
            url = started.RootElement.GetProperty("url").GetString()!;
        }

        try
        {
            var session = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(root, "notebooks", "sessions", id, "session.json"), TestContext.Current.CancellationToken));
            pid = session.RootElement.GetProperty("pid").GetInt32();
            Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false }); // no login cookie carried from the first request
            var withToken = url.Replace("/?token=", "/api/status?token=", StringComparison.Ordinal);
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync(new Uri(withToken), TestContext.Current.CancellationToken)).StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.GetAsync(new Uri(withToken[..withToken.IndexOf('?', StringComparison.Ordinal)]), TestContext.Current.CancellationToken)).StatusCode);

            // The helper, with the server's own environment, reads through this CLI: the same count; a write refused.
            var environment = (await File.ReadAllTextAsync($"/proc/{pid}/environ", TestContext.Current.CancellationToken)).Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(v => v.Split('=', 2)).ToDictionary(v => v[0], v => v[1], StringComparer.Ordinal);
            var (py, pyOut, pyErr) = await PythonAsync(environment, """
                import research_notebook as rn
                print(int(rn.query("select count(*) as n from famafrench.factors_daily")["n"][0]))
                try:
                    rn.query("drop view famafrench.factors_daily")
                except rn.ResearchError as e:
                    print("refused:", e)
                """);
            Assert.True(py == 0, pyErr);
            var lines = pyOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(rows.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[0]);
            Assert.StartsWith("refused:", lines[1], StringComparison.Ordinal);
            Assert.Contains("Only SELECT", lines[1], StringComparison.Ordinal);

            (code, output, _) = await CliRunner.RunAsync("notebooks", "list", "--data-root", root, "--json");
            Assert.Equal(0, code);
            using (var listed = JsonDocument.Parse(output))
            {
                var only = Assert.Single(listed.RootElement.EnumerateArray());
                Assert.Equal(id, only.GetProperty("id").GetString());
                Assert.Equal(url, only.GetProperty("url").GetString());
            }
        }
        finally
        {
            (code, output, error) = await CliRunner.RunAsync("notebooks", "stop", id, "--data-root", root);
        }

        Assert.True(code == 0, error);
        Assert.Contains($"notebook server {id}", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z", StringComparison.Ordinal), "the server process is gone");
        (code, output, _) = await CliRunner.RunAsync("notebooks", "list", "--data-root", root);
        Assert.Contains("no notebook server is running", output, StringComparison.Ordinal);
        (code, _, error) = await CliRunner.RunAsync("notebooks", "stop", id, "--data-root", root);
        Assert.Equal(1, code);
        Assert.Contains($"No notebook server '{id}' is running", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--console", "ftp://x", "--api-key", "k", "--console: 'ftp://x' is not an http(s) address.")]
    [InlineData("--console", "http://127.0.0.1:5000", null, null, "--console and --api-key go together.")]
    public async Task Start_refuses_bad_options_by_name(string a, string b, string? c, string? d, string message)
    {
        var (code, _, error) = await CliRunner.RunAsync([.. new[] { "notebooks", "start", a, b, c, d }.OfType<string>()]);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> PythonAsync(IReadOnlyDictionary<string, string> environment, string script)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        info.Environment.Clear();
        foreach (var (k, v) in environment)
        {
            info.Environment[k] = v;
        }

        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
