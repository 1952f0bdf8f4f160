using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>A warehouse with the Fama-French datasets and a folder of malformed inputs, shared by the bad-input table.</summary>
public sealed class BadInputFixture : IAsyncLifetime
{
    private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("bad-input");

    public string Root => _dir.Combine("warehouse");

    public string Empty => _dir.Combine("empty");

    public string File(string name) => _dir.Combine(name);

    public async ValueTask InitializeAsync()
    {
        var (code, _, error) = await CliRunner.RunAsync("sync", "--full-sync", "--dataset", "famafrench", "--data-root", Root);
        Assert.True(code == 0, error);
        Directory.CreateDirectory(Empty);
        const string Header = "date,open,high,low,close,volume,Name\n";
        var files = new Dictionary<string, string>
        {
            ["nan.csv"] = Header + "2020-01-02,1,1,1,NaN,100,AAA\n",
            ["inf.csv"] = Header + "2020-01-02,1,1,1,Infinity,100,AAA\n",
            ["huge.csv"] = Header + "2020-01-02,1,1,1,1e308,100,AAA\n",
            ["negvol.csv"] = Header + "2020-01-02,1,1,1,5,-100,AAA\n",
            ["header.csv"] = Header,
            ["neg.json"] = """{"objective":"min_variance","assets":["A","B"],"covariance":[[-0.04,0],[0,0.09]],"constraints":{"budget":1}}""",
            ["nonpd.json"] = """{"objective":"min_variance","assets":["A","B"],"covariance":[[0.04,0.5],[0.5,0.09]],"constraints":{"budget":1}}""",
            ["asym.json"] = """{"objective":"min_variance","assets":["A","B"],"covariance":[[0.04,0.01],[0.02,0.09]],"constraints":{"budget":1}}""",
            ["broken.json"] = """{"objective":"min_variance","assets":["A","B"],""",
            ["ret-nan.csv"] = "date,return\n2024-01-02,0.01\n2024-01-03,NaN\n",
            ["ret-header.csv"] = "date,return\n",
            ["ret-date.csv"] = "date,return\n2024-01-02,0.01\n2024-02-30,0.02\n",
        };
        foreach (var (name, content) in files)
        {
            await System.IO.File.WriteAllTextAsync(File(name), content, TestContext.Current.CancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Bad input across the commands (hardening issue, item 6): every case exits non-zero with one line that names the
/// option, file, line, field, dataset or version at fault and the rule, and no stack trace. Exit 2 is a usage error
/// (caught while parsing), 1 a refusal by the command.
/// </summary>
public sealed class BadInputTests(BadInputFixture fx) : IClassFixture<BadInputFixture>
{
    private const string Ff = "famafrench/factors_daily";

    public static TheoryData<string> Cases() => [.. Table.Keys];

    private static readonly Dictionary<string, (Func<BadInputFixture, string[]> Args, int Exit, string Says)> Table = new()
    {
        // Numbers that are not numbers, or out of their range.
        ["negative query timeout"] = (f => ["query", "SELECT 1", "--timeout", "-5", "--data-root", f.Root], 2, "--timeout must be a positive number (got -5)"),
        ["zero query timeout"] = (f => ["query", "SELECT 1", "--timeout", "0", "--data-root", f.Root], 2, "--timeout must be a positive number (got 0)"),
        ["zero max rows"] = (f => ["query", "SELECT 1", "--max-rows", "0", "--data-root", f.Root], 2, "--max-rows must be a positive number (got 0)"),
        ["NaN max rows"] = (f => ["query", "SELECT 1", "--max-rows", "NaN", "--data-root", f.Root], 2, "--max-rows: 'NaN' is not a whole number."),
        ["NaN Monte Carlo confidence"] = (_ => ["backtest", "monte-carlo", "--job", "bt-1", "--confidence", "NaN"], 2, "--confidence must be a finite number from 0.5 to 0.9999 (got NaN)"),
        ["Monte Carlo confidence of 1"] = (_ => ["backtest", "monte-carlo", "--job", "bt-1", "--confidence", "1"], 2, "--confidence must be a finite number from 0.5 to 0.9999 (got 1)"),
        ["negative Monte Carlo paths"] = (_ => ["backtest", "monte-carlo", "--job", "bt-1", "--paths", "-1"], 2, "--paths must be a positive number (got -1)"),
        ["zero Monte Carlo block"] = (_ => ["backtest", "monte-carlo", "--job", "bt-1", "--mean-block", "0"], 2, "--mean-block must be a finite number from 1 to 1000000 (got 0)"),
        ["negative Monte Carlo length"] = (_ => ["backtest", "monte-carlo", "--job", "bt-1", "--length", "-3"], 2, "--length must be a positive number (got -3)"),
        ["NaN VaR confidence"] = (f => ["risk", "report", "--portfolio", f.File("p.json"), "--confidence", "NaN"], 2, "--confidence must be a finite number from 0.5 to 0.9999 (got NaN)"),
        ["VaR confidence above 1"] = (f => ["risk", "report", "--portfolio", f.File("p.json"), "--confidence", "1.5"], 2, "--confidence must be a finite number from 0.5 to 0.9999 (got 1.5)"),
        ["negative Newey-West lags"] = (_ => ["risk", "fit", "--nw-lags", "-1"], 2, "--nw-lags must be zero or more (got -1)"),
        ["zero volatility half-life"] = (_ => ["risk", "fit", "--vol-half-life", "0"], 2, "--vol-half-life must be a positive number (got 0)"),
        ["zero job list limit"] = (_ => ["backtest", "list", "--limit", "0"], 2, "--limit must be a positive number (got 0)"),
        ["negative prune keep"] = (_ => ["backtest", "prune", "--keep", "-1"], 2, "--keep must be zero or more (got -1)"),
        ["negative audit limit"] = (_ => ["audit", "list", "--limit", "-2"], 2, "--limit must be a positive number (got -2)"),
        ["zero factor top"] = (_ => ["factors", "show", "--date", "2024-01-31", "--top", "0"], 2, "--top must be a positive number (got 0)"),
        ["console port out of range"] = (_ => ["up", "--console-port", "70000"], 2, "--console-port must be a whole number from 1 to 65535 (got 70000)"),
        ["gateway port zero"] = (_ => ["up", "--gateway-port", "0"], 2, "--gateway-port must be a whole number from 1 to 65535 (got 0)"),
        ["NaN benchmark impact"] = (_ => ["bench", "backtest", "--impact", "NaN"], 2, "--impact must be a finite number from 0 to 10 (got NaN)"),
        ["zero benchmark repeats"] = (_ => ["bench", "warehouse", "--repeat", "0"], 2, "--repeat must be a positive number (got 0)"),
        ["planted IC above 1"] = (f => ["synth", "--alpha-ic", "2", "--out", f.File("synth")], 2, "--alpha-ic must be a finite number from -1 to 1 (got 2)"),
        ["negative reporting lag"] = (_ => ["compustat", "fundamentals", "--gvkey", "001000", "--annual-lag-days", "-1"], 2, "--annual-lag-days must be a whole number from 0 to 730 (got -1)"),
        ["negative rolling window"] = (f => ["tearsheet", "--returns", f.File("r.csv"), "--window", "-1"], 2, "--window must be a positive number (got -1)"),
        ["returns CSV into a missing folder"] = (f => ["backtest", "run", "--strategy", "momentum", "--returns-csv", f.File("nowhere/r.csv"), "--data-root", f.Root], 2, "--returns-csv: the folder"),
        ["returns CSV onto a folder"] = (f => ["backtest", "run", "--strategy", "momentum", "--returns-csv", f.Root, "--data-root", f.Root], 2, "is a folder; give a file name"),
        ["tear sheet HTML into a missing folder"] = (f => ["tearsheet", "--returns", f.File("r.csv"), "--html", f.File("nowhere/t.html")], 2, "--html: the folder"),
        ["a grain filter without a value"] = (_ => ["cluster", "show", "--grain"], 2, "--grain"),
        ["infinite risk-free rate"] = (f => ["tearsheet", "--returns", f.File("r.csv"), "--risk-free", "Infinity"], 2, "--risk-free must be a finite number from -0.5 to 1 (got Infinity)"),

        // Dates: malformed, reversed, not a session.
        ["reversed calendar range"] = (_ => ["calendar", "sessions", "--from", "2024-12-31", "--to", "2024-12-01"], 2, "--from 2024-12-31 is after --to 2024-12-01"),
        ["reversed returns range"] = (_ => ["crsp", "returns", "--permno", "10001", "--from", "2024-02-01", "--to", "2024-01-02"], 2, "--from 2024-02-01 is after --to 2024-01-02"),
        ["reversed factor range"] = (_ => ["ff", "factors", "--from", "2024-02-01", "--to", "2024-01-02"], 2, "--from 2024-02-01 is after --to 2024-01-02"),
        ["month 13"] = (_ => ["calendar", "sessions", "--from", "2025-13-01", "--to", "2025-12-31"], 2, "--from: '2025-13-01' is not a date in the form YYYY-MM-DD."),
        ["a holiday"] = (_ => ["calendar", "hours", "--date", "2025-12-25"], 1, "2025-12-25 is not an NYSE session (Christmas Day)"),
        ["a wrong spelling of a choice"] = (_ => ["backtest", "run", "--strategy", "momentum", "--execution", "Next-Close"], 2, "--execution: 'Next-Close' is not one of next-close, next-open."),

        // Versions, tags and times that do not exist.
        ["unknown version in a query"] = (f => ["query", "SELECT 1", "--version", "v1", "--data-root", f.Root], 1, "--version: no dataset has a version 'v1'"),
        ["unknown tag in a query"] = (f => ["query", "SELECT 1", "--tag", "nope", "--data-root", f.Root], 1, "--tag: no dataset has a tag 'nope'"),
        ["a time before the first publish"] = (f => ["query", "SELECT 1", "--as-of", "1990-01-01", "--data-root", f.Root], 1, "--as-of: no dataset had a current version at 1990-01-01 00:00:00 UTC"),
        ["a time that is not a time"] = (f => ["query", "SELECT 1", "--as-of", "yesterday", "--data-root", f.Root], 1, "--as-of: 'yesterday' is not a time"),
        ["two selectors"] = (f => ["query", "SELECT 1", "--version", "a", "--tag", "b", "--data-root", f.Root], 1, "Give at most one of --version, --tag and --as-of."),
        ["unknown version shown"] = (f => ["versions", "show", "--dataset", Ff, "--version", "nope", "--data-root", f.Root], 1, $"Dataset '{Ff}' has no version 'nope'"),
        ["unknown version tagged"] = (f => ["versions", "tag", "t1", "--dataset", Ff, "--version", "nope", "--data-root", f.Root], 1, $"Dataset '{Ff}' has no version 'nope'"),
        ["rollback to an unknown version"] = (f => ["versions", "rollback", "--dataset", Ff, "--to", "nope", "--data-root", f.Root], 1, $"Dataset '{Ff}' has no version 'nope'"),
        ["unknown dataset"] = (f => ["versions", "list", "--dataset", "nope/x", "--data-root", f.Root], 1, "Dataset 'nope/x' does not exist"),
        ["a query written to a folder that does not exist"] = (f => ["query", "SELECT 1", "--output", Path.Combine(f.Root, "no-such-folder", "out.csv"), "--data-root", f.Root], 1, "--output: the folder "),
        ["a query written to a file of another kind"] = (f => ["query", "SELECT 1", "--output", Path.Combine(f.Root, "out.xlsx"), "--data-root", f.Root], 1, "--output: 'out.xlsx' does not end in .csv or .parquet."),
        ["an empty warehouse"] = (f => ["query", "SELECT 1", "--data-root", f.Empty], 1, "has no datasets: run 'research sync' first."),

        // Hostile SQL.
        ["a write"] = (f => ["query", "DELETE FROM famafrench.factors_daily", "--data-root", f.Root], 1, "Only SELECT queries are allowed"),
        ["reading the settings"] = (f => ["query", "SELECT current_setting('allowed_paths')", "--data-root", f.Root], 1, "Function current_setting() is not available"),
        ["two statements"] = (f => ["query", "SELECT 1; SELECT 2", "--data-root", f.Root], 1, "Send exactly one SELECT statement (got 2)."),

        // Files: prices, covariances, returns.
        ["a NaN price"] = (f => ["risk", "fit", "--prices-csv", f.File("nan.csv")], 1, "nan.csv line 2: close 'NaN' is not a price"),
        ["an infinite price"] = (f => ["risk", "fit", "--prices-csv", f.File("inf.csv")], 1, "inf.csv line 2: close 'Infinity' is not a price"),
        ["a 1e308 price"] = (f => ["risk", "fit", "--prices-csv", f.File("huge.csv")], 1, "huge.csv line 2: close '1e308' is not a price"),
        ["a negative volume"] = (f => ["risk", "fit", "--prices-csv", f.File("negvol.csv")], 1, "negvol.csv line 2: volume '-100' is not a finite number of shares"),
        ["a header-only prices file"] = (f => ["risk", "fit", "--prices-csv", f.File("header.csv")], 1, "header.csv: no prices below the header"),
        ["a missing prices file"] = (f => ["risk", "fit", "--prices-csv", f.File("absent.csv")], 1, "absent.csv"),
        ["a negative variance"] = (f => ["optimize", "--spec", f.File("neg.json")], 1, "neg.json: covariance: variance [0][0] of A is negative (-0.04)."),
        ["a covariance that is not positive semi-definite"] = (f => ["optimize", "--spec", f.File("nonpd.json")], 1, "nonpd.json: covariance: not positive semi-definite (smallest eigenvalue -0.4356)"),
        ["an asymmetric covariance"] = (f => ["optimize", "--spec", f.File("asym.json")], 1, "asym.json: covariance: entry [0][1] is not finite or not symmetric with [1][0]."),
        ["a truncated spec"] = (f => ["optimize", "--spec", f.File("broken.json")], 1, "broken.json"),
        ["a NaN return"] = (f => ["tearsheet", "--returns", f.File("ret-nan.csv")], 1, "ret-nan.csv:3: the return on 2024-01-03 is 'NaN', not a finite decimal"),
        ["a header-only returns file"] = (f => ["tearsheet", "--returns", f.File("ret-header.csv")], 1, "ret-header.csv"),
        ["February 30"] = (f => ["tearsheet", "--returns", f.File("ret-date.csv")], 1, "ret-date.csv:3: '2024-02-30' is not a date"),

        // Fetching and the ETL: symbols, providers, hosts, datasets, schedules.
        ["fetch without symbols"] = (f => ["fetch", "--from", "2024-01-02", "--to", "2024-01-05", "--data-root", f.Root], 1, "Give exactly one of --symbols A,B,C and --symbols-file FILE."),
        ["fetch from an unknown provider"] = (f => ["fetch", "--symbols", "AAA", "--from", "2024-01-02", "--to", "2024-01-05", "--source", "bloomberg", "--data-root", f.Root], 1, "--source: Source 'bloomberg': unknown provider(s) bloomberg"),
        ["fetch from CRSP the warehouse lacks"] = (f => ["fetch", "--symbols", "AAA", "--from", "2024-01-02", "--to", "2024-01-05", "--source", "crsp", "--data-root", f.Root], 1, "has no current crsp/daily, crsp/names and crsp/delisting"),
        ["fetch reversed range"] = (f => ["fetch", "--symbols", "AAA", "--from", "2024-02-01", "--to", "2024-01-02", "--data-root", f.Root], 1, "--from 2024-02-01 is after --to 2024-01-02"),
        ["fetch from a host that is not http"] = (f => ["fetch", "--symbols", "AAA", "--from", "2024-01-02", "--to", "2024-01-05", "--yahoo-url", "ftp://example", "--data-root", f.Root], 1, "--yahoo-url: 'ftp://example' is not an http(s) URL."),
        ["a symbol with a slash"] = (f => ["fetch", "--symbols", "AAA,B/C", "--from", "2024-01-02", "--to", "2024-01-05", "--data-root", f.Root], 1, "Symbol 'B/C' is not a ticker"),
        ["a missing symbols file"] = (f => ["fetch", "--symbols-file", f.File("absent.txt"), "--from", "2024-01-02", "--to", "2024-01-05", "--data-root", f.Root], 1, "absent.txt does not exist"),
        ["fetch CSV into a missing folder"] = (f => ["fetch", "--symbols", "AAA", "--from", "2024-01-02", "--csv", f.File("nowhere/x.csv"), "--data-root", f.Root], 2, "--csv: the folder"),
        ["ETL into a dataset it does not load"] = (f => ["etl", "run", "--dataset", "crsp/daily", "--symbols", "AAA", "--from", "2024-01-02", "--data-root", f.Root], 2, "--dataset: 'crsp/daily' is not loaded by the ETL; use prices/daily or yahoo/daily."),
        ["an ETL schedule without a first date"] = (f => ["etl", "schedule", "--dataset", "prices/daily", "--cron", "0 22 * * 1-5", "--symbols", "AAA", "--data-root", f.Root], 1, "--cron needs --from"),
        ["an ETL schedule with no platform running"] = (f => ["etl", "schedule", "--dataset", "prices/daily", "--gateway-port", "1", "--data-root", f.Root], 1, "nothing listens on the silo gateway 127.0.0.1:1. Start the platform with 'research up' (or set Research__Cluster__GatewayPort or --gateway-port), or use 'research etl run' to load once in this process."),
        ["two ETL schedule actions"] = (f => ["etl", "schedule", "--dataset", "prices/daily", "--remove", "--run-now", "--data-root", f.Root], 1, "Give at most one of --cron, --remove and --run-now"),
    };

    [Fact]
    public void The_table_has_at_least_forty_cases_across_commands()
    {
        Assert.True(Table.Count >= 40, $"{Table.Count} cases");
        Assert.True(Table.Values.Select(c => c.Args(fx)[0]).Distinct().Count() >= 10);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_exits_non_zero_with_one_line_naming_the_place_and_the_rule(string name)
    {
        var (args, exit, says) = Table[name];
        var (code, output, error) = await CliRunner.RunAsync(args(fx));
        Assert.True(code == exit, $"{name}: exit {code}, expected {exit}; {error}");
        Assert.Empty(output);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.True(error.Contains(says, StringComparison.Ordinal), $"{name}: expected '{says}' in: {error}");
        Assert.DoesNotContain(" at Research.", error, StringComparison.Ordinal);
    }
}
