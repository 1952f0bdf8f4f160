using System.Text.Json;
using Spectre.Console;
using Research.Testing;

namespace Research.Cli.Tests;

public sealed class CliConventionTests
{
    [Fact]
    public void A_cancelled_command_has_time_to_stop_gracefully_before_the_process_is_ended()
    {
        // System.CommandLine ends the process with exit 130 once this timeout passes after Ctrl-C or SIGTERM; its default of
        // 2 s cut 'research up' short while it was stopping its console and then its silo (each given StopGrace).
        var invocation = CliApp.Invocation(new Research.Cli.Infrastructure.CliOutput(TextWriter.Null, TextWriter.Null, interactive: false));
        Assert.True(invocation.ProcessTerminationTimeout > 2 * Research.Cli.Platform.LocalPlatform.StopGrace, $"{invocation.ProcessTerminationTimeout}");
        Assert.False(invocation.EnableDefaultExceptionHandler);
    }

    [Fact]
    public void A_table_into_a_pipe_keeps_one_line_per_row_however_wide()
    {
        using var writer = new StringWriter();
        var output = new Research.Cli.Infrastructure.CliOutput(writer, TextWriter.Null, interactive: false);
        var table = new Table().AddColumns("Dataset", "Version", "By", "Reason");
        table.AddRow("crsp/daily", "v20261203T005459537Z", "someone-with-a-long-name", new string('x', 150));
        output.Console.Write(table);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length); // border, header, rule, the row, border: nothing wrapped at 80 columns
        Assert.Contains(new string('x', 150), lines[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calendar_sessions_prints_one_ISO_date_per_line()
    {
        var (code, output, _) = await CliRunner.RunAsync("calendar", "sessions", "--from", "2024-12-23", "--to", "2025-01-03");
        Assert.Equal(0, code);
        // 25 Dec and 1 Jan are holidays; 28-29 Dec and weekends are not sessions.
        Assert.Equal(
            ["2024-12-23", "2024-12-24", "2024-12-26", "2024-12-27", "2024-12-30", "2024-12-31", "2025-01-02", "2025-01-03"],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Json_output_is_machine_readable()
    {
        var (code, output, _) = await CliRunner.RunAsync("calendar", "closures", "--from", "2025-01-01", "--to", "2025-01-31", "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var reasons = json.RootElement.EnumerateArray().Select(e => e.GetProperty("reason").GetString()).ToList();
        Assert.Equal(["New Year's Day", "Day of mourning for President Jimmy Carter", "Martin Luther King Jr. Day"], reasons);
    }

    [Theory]
    [InlineData("calendar", "sessions", "--from", "2025-13-01", "--to", "2025-12-31")]
    [InlineData("calendar", "sessions", "--to", "2025-12-31")]
    [InlineData("no-such-command")]
    [InlineData("no-such-command", "--help")]
    [InlineData("backtest", "no-such-subcommand", "--help")]
    public async Task Usage_errors_exit_2_with_a_message(params string[] args)
    {
        var (code, output, error) = await CliRunner.RunAsync(args);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--from 2024-12-31 is after --to 2024-12-01", "calendar", "sessions", "--from", "2024-12-31", "--to", "2024-12-01")]
    [InlineData("--from 2024-12-31 is after --to 2024-12-01", "calendar", "closures", "--from", "2024-12-31", "--to", "2024-12-01")]
    [InlineData("--from 2024-02-01 is after --to 2024-01-02", "crsp", "returns", "--permno", "10001", "--from", "2024-02-01", "--to", "2024-01-02")]
    [InlineData("--from 2024-02-01 is after --to 2024-01-02", "ff", "factors", "--from", "2024-02-01", "--to", "2024-01-02")]
    [InlineData("--permno must be a positive number (got -5)", "crsp", "returns", "--permno", "-5", "--from", "2024-01-02", "--to", "2024-02-01")]
    [InlineData("--assets: '-5' is not a comma-separated list of positive numbers", "bench", "backtest", "--assets", "-5")]
    [InlineData("--assets: '500,NaN' is not a comma-separated list of positive numbers", "bench", "backtest", "--assets", "500,NaN")]
    [InlineData("--peer: /nowhere/peer.py does not exist", "bench", "backtest", "--peer", "/nowhere/peer.py")]
    [InlineData("--python: /nope does not exist", "bench", "backtest", "--peer", "/nowhere/peer.py", "--python", "/nope")]
    [InlineData("--window: 'NaN' is not a whole number.", "tearsheet", "--returns", "r.csv", "--window", "NaN")]
    [InlineData("--risk-free must be a finite number from -0.5 to 1 (got NaN).", "tearsheet", "--returns", "r.csv", "--risk-free", "NaN")]
    [InlineData("2024-06-01 is not an NYSE session (Saturday); the session before it is 2024-05-31.", "crsp", "universe", "--date", "2024-06-01")]
    [InlineData("--priority: 'urgent' is not one of high, normal, low.", "backtest", "submit", "--strategy", "momentum", "--priority", "urgent")]
    [InlineData("--execution: 'Next-Close' is not one of next-close, next-open.", "backtest", "run", "--strategy", "momentum", "--execution", "Next-Close")]
    [InlineData("--method: 'block' is not one of bootstrap, trades, shuffle.", "backtest", "monte-carlo", "--job", "bt-1", "--method", "block")]
    public async Task A_bad_option_value_is_a_usage_error_naming_the_option(string expected, params string[] args)
    {
        var (code, output, error) = await CliRunner.RunAsync(args);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains("error: " + expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--window: 'NaN' is not a whole number.", "tearsheet", "--returns", "r.csv", "--window", "NaN")]
    [InlineData("--train: 'NaN' is not a whole number.", "micro", "har", "--symbol", "X", "--train", "NaN")]
    public async Task A_number_that_does_not_parse_is_one_error_line_not_the_parsers_and_ours(string expected, params string[] args)
    {
        var (code, _, error) = await CliRunner.RunAsync(args);
        Assert.Equal(2, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(["error: " + expected, "Run 'research --help' for usage."], lines);
    }

    [Fact]
    public async Task A_cluster_command_with_no_platform_running_says_so_at_once_with_the_fix()
    {
        using var dir = TestEnvironment.CreateTempDirectory("no-platform");
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // a port nothing listens on

        var (code, output, error) = await CliRunner.RunAsync("backtest", "list", "--data-root", dir.Path, "--gateway-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.Contains($"No platform is running here: nothing listens on the silo gateway 127.0.0.1:{port}. Start the platform with 'research up'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_exits_1_with_one_line_and_no_stack_trace()
    {
        var (code, _, error) = await CliRunner.RunAsync("calendar", "hours", "--date", "2025-12-25");
        Assert.Equal(1, code);
        Assert.Equal("error: 2025-12-25 is not an NYSE session (Christmas Day); the session before it is 2025-12-24.", error.Trim());
    }

    [Fact]
    public async Task Verbose_shows_the_stack_trace()
    {
        var (code, _, error) = await CliRunner.RunAsync("calendar", "hours", "--date", "2025-12-25", "--verbose");
        Assert.Equal(1, code);
        Assert.Contains(" at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Synth_writes_the_market_and_reports_it_as_json()
    {
        using var dir = Research.Testing.TestEnvironment.CreateTempDirectory("cli-synth");
        var (code, output, _) = await CliRunner.RunAsync("synth", "--stocks", "30", "--years", "1", "--seed", "3", "--out", dir.Path, "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var datasets = json.RootElement.GetProperty("datasets").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("crsp/daily", datasets);
        Assert.Contains("compustat/quarterly", datasets);
        Assert.True(File.Exists(Path.Combine(dir.Path, "truth", "model.json")));
    }

    [Fact]
    public async Task Synth_refuses_bad_options_naming_them()
    {
        using var dir = Research.Testing.TestEnvironment.CreateTempDirectory("cli-synth-bad");
        var (code, _, error) = await CliRunner.RunAsync("synth", "--stocks", "3", "--out", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("stocks must be between 10 and 100000", error, StringComparison.Ordinal);
    }
}
