using System.Text.Json;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Cli.Tests;

/// <summary>A small synthetic warehouse shared by the factor, risk, stress and optimise command tests.</summary>
public sealed class RiskWarehouseFixture : IAsyncLifetime
{
    private readonly TempDirectory _root = TestEnvironment.CreateTempDirectory("cli-risk");

    public string DataRoot => _root.Combine("data");

    public async ValueTask InitializeAsync()
    {
        var layout = new WarehouseLayout(DataRoot);
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 200, Years = 5, EndYear = 2024, Seed = 5, IntradaySymbols = 0 });
        var manager = new SyncManager(layout, TimeProvider.System);
        foreach (var dataset in new[] { "crsp/daily", "crsp/names", "compustat/quarterly", "ccm/links" })
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: TestContext.Current.CancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        _root.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary><c>research factors|risk|stress|optimize</c> end to end on the fixture warehouse.</summary>
public sealed class RiskCommandTests(RiskWarehouseFixture fixture) : IClassFixture<RiskWarehouseFixture>
{
    [Fact]
    public async Task Fit_report_stress_and_optimise_on_the_stored_model()
    {
        var root = fixture.DataRoot;
        var (code, output, error) = await CliRunner.RunAsync("risk", "fit", "--data-root", root, "--json");
        Assert.True(code == 0, error);
        using (var fit = JsonDocument.Parse(output))
        {
            Assert.InRange(fit.RootElement.GetProperty("meanRSquared").GetDouble(), 0.05, 0.95);
            Assert.Equal("market", fit.RootElement.GetProperty("factors")[0].GetProperty("name").GetString());
            Assert.False(string.IsNullOrEmpty(fit.RootElement.GetProperty("stored").GetString()));
        }

        // Two large stocks on the last date, one by ticker.
        var (_, exposures, _) = await CliRunner.RunAsync("query", "--data-root", root, "--json",
            "SELECT e.permno, e.label FROM risk.exposures e WHERE e.date = (SELECT max(date) FROM risk.exposures) ORDER BY e.size_base DESC LIMIT 2");
        using var rows = JsonDocument.Parse(exposures);
        var first = rows.RootElement.GetProperty("rows")[0];
        var second = rows.RootElement.GetProperty("rows")[1];
        var permno = first[0].GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var ticker = (await CliRunner.RunAsync("query", "--data-root", root, "--json",
            $"SELECT ticker FROM crsp.names WHERE permno = {second[0].GetInt32()} ORDER BY nameendt DESC LIMIT 1")).Out is var t
            ? JsonDocument.Parse(t).RootElement.GetProperty("rows")[0][0].GetString()! : null!;
        using var dir = TestEnvironment.CreateTempDirectory("cli-risk-files");
        var portfolio = dir.Combine("p.json");
        await File.WriteAllTextAsync(portfolio, JsonSerializer.Serialize(new { weights = new Dictionary<string, double> { [permno] = 0.6, [ticker] = 0.4 } }), TestContext.Current.CancellationToken);

        (code, output, error) = await CliRunner.RunAsync("risk", "report", "--data-root", root, "--portfolio", portfolio, "--date", "2024-12-31", "--json");
        Assert.True(code == 0, error);
        using (var report = JsonDocument.Parse(output))
        {
            var daily = report.RootElement.GetProperty("daily");
            var total = daily.GetProperty("volatility").GetDouble();
            var byFactor = report.RootElement.GetProperty("byFactor").EnumerateArray().Sum(f => f.GetProperty("contribution").GetDouble());
            Assert.Equal(total, byFactor + report.RootElement.GetProperty("specificContribution").GetDouble(), 12);
            Assert.Equal(total, report.RootElement.GetProperty("byAsset").EnumerateArray().Sum(a => a.GetProperty("contribution").GetDouble()), 12);
            Assert.True(report.RootElement.GetProperty("valueAtRisk").GetProperty("parametric").GetProperty("es").GetDouble() > 0);
        }

        (code, output, error) = await CliRunner.RunAsync("stress", "--data-root", root, "--portfolio", portfolio, "--scenario", "2022", "--json");
        Assert.True(code == 0, error);
        using (var stress = JsonDocument.Parse(output))
        {
            var total = stress.RootElement.GetProperty("total").GetDouble();
            Assert.Equal(total, stress.RootElement.GetProperty("byFactor").EnumerateObject().Sum(p => p.Value.GetDouble()), 12);
            Assert.InRange(stress.RootElement.GetProperty("sessions").GetInt32(), 240, 260);
        }

        (code, _, error) = await CliRunner.RunAsync("stress", "--data-root", root, "--portfolio", portfolio, "--scenario", "gfc");
        Assert.Equal(1, code);
        Assert.Contains("2008-09-01", error, StringComparison.Ordinal);

        var spec = dir.Combine("spec.json");
        await File.WriteAllTextAsync(spec, JsonSerializer.Serialize(new
        {
            objective = "min_variance",
            assets = new[] { permno, ticker },
            risk_model = new { date = "2024-12-31" },
            constraints = new { budget = 1.0, long_only = true },
        }), TestContext.Current.CancellationToken);
        (code, output, error) = await CliRunner.RunAsync("optimize", "--data-root", root, "--spec", spec, "--json");
        Assert.True(code == 0, error);
        using (var optimised = JsonDocument.Parse(output))
        {
            var weights = optimised.RootElement.GetProperty("weights");
            Assert.Equal(1.0, weights.GetProperty(permno).GetDouble() + weights.GetProperty(ticker).GetDouble(), 6);
            Assert.Contains("forecast of", optimised.RootElement.GetProperty("risk").GetString(), StringComparison.Ordinal);
        }

        // A lot of the second stock at a loss: the harvest's replacements are the model's most correlated stocks.
        var trades = dir.Combine("trades.csv");
        await File.WriteAllTextAsync(trades, $"id,date,account,symbol,side,quantity,price\nb1,2024-06-03,taxable,{ticker},buy,100,1000\n", TestContext.Current.CancellationToken);
        (code, output, error) = await CliRunner.RunAsync("tax", "harvest", "--data-root", root, "--trades", trades, "--price", ticker + "=1", "--as-of", "2024-12-31", "--risk-model", "--json");
        Assert.True(code == 0, error);
        using (var harvest = JsonDocument.Parse(output))
        {
            var proposed = harvest.RootElement.GetProperty("candidates")[0].GetProperty("replacements").EnumerateArray().Select(r => r.GetProperty("correlation").GetDouble()).ToList();
            using var session = Research.Data.Warehouse.WarehouseQuerySession.Open(new Research.Data.Warehouse.WarehouseLayout(root), Research.Data.Warehouse.VersionSelector.Current,
                Research.Data.Warehouse.QueryLimits.Default, TimeProvider.System, [.. Research.Analytics.Risk.RiskModelStore.Datasets, "crsp/names"]);
            var expected = Research.Analytics.Risk.RiskModelStore.LoadAt(session, new DateOnly(2024, 12, 31)).PredictedCorrelations(second[0].GetInt32()).Take(5).Select(c => c.Correlation).ToList();
            Assert.Equal(5, proposed.Count);
            Assert.All(proposed.Zip(expected), p => Assert.Equal(p.Second, p.First, 12));
            Assert.StartsWith("forecast of 2024-12-", harvest.RootElement.GetProperty("riskModel").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Factors_build_then_show_a_date_and_bad_input_is_named()
    {
        var root = fixture.DataRoot;
        var (code, output, error) = await CliRunner.RunAsync("factors", "build", "--data-root", root, "--composite", "qv=quality:0.5,value:0.5", "--json");
        Assert.True(code == 0, error);
        using (var build = JsonDocument.Parse(output))
        {
            Assert.Contains(build.RootElement.GetProperty("coverage").EnumerateArray(), c => c.GetProperty("factor").GetString() == "qv");
        }

        (code, output, error) = await CliRunner.RunAsync("factors", "show", "--data-root", root, "--date", "2024-06-30", "--factor", "momentum", "--top", "3", "--json");
        Assert.True(code == 0, error);
        using (var show = JsonDocument.Parse(output))
        {
            Assert.Equal("2024-06-28", show.RootElement.GetProperty("date").GetString());
            foreach (var s in show.RootElement.GetProperty("summary").EnumerateArray())
            {
                Assert.Equal(0.0, s.GetProperty("capWeightedMean").GetDouble(), 9);
            }

            Assert.Equal(3, show.RootElement.GetProperty("extremes").GetProperty("highest").GetArrayLength());
        }

        (code, _, error) = await CliRunner.RunAsync("factors", "build", "--data-root", root, "--composite", "bad=nope:1");
        Assert.Equal(1, code);
        Assert.Contains("nope", error, StringComparison.Ordinal);

        (code, _, error) = await CliRunner.RunAsync("factors", "show", "--data-root", root, "--date", "2001-01-01");
        Assert.Equal(1, code);
        Assert.Contains("none on or before 2001-01-01", error, StringComparison.Ordinal);

        using var dir = TestEnvironment.CreateTempDirectory("cli-risk-bad");
        var portfolio = dir.Combine("p.csv");
        await File.WriteAllTextAsync(portfolio, "asset,weight\n10001,abc\n", TestContext.Current.CancellationToken);
        (code, _, error) = await CliRunner.RunAsync("risk", "report", "--data-root", root, "--portfolio", portfolio, "--date", "2024-12-31");
        Assert.Equal(1, code);
        Assert.Contains("line 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backtest_run_prints_metrics_and_refuses_an_unknown_strategy()
    {
        var root = fixture.DataRoot;
        var (code, output, error) = await CliRunner.RunAsync("backtest", "run", "--data-root", root, "--strategy", "momentum", "--from", "2022-01-03", "--to", "2024-12-31", "--json", "--shortfall");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            var metrics = json.RootElement.GetProperty("metrics");
            Assert.Equal("2022-01-03", metrics.GetProperty("from").GetString());
            Assert.InRange(metrics.GetProperty("meanGrossExposure").GetDouble(), 1.5, 2.2);
            Assert.True(metrics.GetProperty("trades").GetInt32() > 100);
            Assert.True(json.RootElement.GetProperty("dataVersions").TryGetProperty("crsp/daily", out _));

            // --shortfall: every trade measured or counted as left out; the parts add up; the months hold every measured trade;
            // the commission is 1 bp of the traded value (of the paper investment at the previous close, so close to 1).
            var s = json.RootElement.GetProperty("shortfall");
            var measured = s.GetProperty("trades").GetInt32();
            Assert.Equal(metrics.GetProperty("trades").GetInt32(), measured + s.GetProperty("withoutPrice").GetInt32() + s.GetProperty("withoutDecisionPrice").GetInt32());
            Assert.Equal(s.GetProperty("explicitBps").GetDouble() + s.GetProperty("delayBps").GetDouble() + s.GetProperty("tradingBps").GetDouble(), s.GetProperty("totalBps").GetDouble(), 9);
            Assert.Equal(measured, s.GetProperty("months").EnumerateArray().Sum(m => m.GetProperty("trades").GetInt32()));
            Assert.InRange(s.GetProperty("explicitBps").GetDouble(), 0.9, 1.1);
            Assert.True(s.GetProperty("tradingBps").GetDouble() > 5, "the default half spread is 5 bps, with impact on top");
        }

        (code, output, error) = await CliRunner.RunAsync("backtest", "run", "--data-root", root, "--strategy", "buy-and-hold", "--from", "2022-01-03", "--to", "2024-12-31", "--json",
            "--commission-bps", "0", "--half-spread-bps", "0", "--impact", "0");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.Equal(0.0, json.RootElement.GetProperty("metrics").GetProperty("annualCosts").GetDouble());
        }

        (code, _, error) = await CliRunner.RunAsync("backtest", "run", "--data-root", root, "--strategy", "astrology");
        Assert.Equal(1, code);
        Assert.Contains("astrology", error, StringComparison.Ordinal);

        // A spec file states the same run as the flags, and gives the same metrics.
        var specFile = Path.Combine(root, "..", "momentum.json");
        await File.WriteAllTextAsync(specFile, """{"strategy":"momentum","from":"2022-01-03","to":"2024-12-31","costs":{"commission_bps":1}}""", TestContext.Current.CancellationToken);
        (code, output, error) = await CliRunner.RunAsync("backtest", "run", "--data-root", root, "--spec", specFile, "--json");
        Assert.True(code == 0, error);
        var flags = await CliRunner.RunAsync("backtest", "run", "--data-root", root, "--strategy", "momentum", "--from", "2022-01-03", "--to", "2024-12-31", "--json");
        using (JsonDocument a = JsonDocument.Parse(output), b = JsonDocument.Parse(flags.Out))
        {
            Assert.Equal(b.RootElement.GetProperty("metrics").GetRawText(), a.RootElement.GetProperty("metrics").GetRawText());
        }

        await File.WriteAllTextAsync(specFile, """{"strategy":"momentum","costs":{"comission_bps":1}}""", TestContext.Current.CancellationToken);
        (code, _, error) = await CliRunner.RunAsync("backtest", "run", "--data-root", root, "--spec", specFile);
        Assert.Equal(1, code);
        Assert.Contains("unknown field 'costs.comission_bps'", error, StringComparison.Ordinal);

        // The optimiser-driven construction of the same factor: a different book, near dollar neutral, within the gross limit.
        (code, output, error) = await CliRunner.RunAsync("backtest", "run", "--data-root", root, "--strategy", "momentum", "--construction", "optimizer", "--from", "2023-01-03", "--to", "2024-12-31", "--json");
        Assert.True(code == 0, error);
        using (var json = JsonDocument.Parse(output))
        {
            var metrics = json.RootElement.GetProperty("metrics");
            Assert.InRange(metrics.GetProperty("meanGrossExposure").GetDouble(), 0.5, 2.05);
            Assert.True(metrics.GetProperty("trades").GetInt32() > 100);
        }

        (code, _, error) = await CliRunner.RunAsync("backtest", "run", "--data-root", root, "--strategy", "buy-and-hold", "--construction", "optimizer");
        Assert.Equal(1, code);
        Assert.Contains("buy-and-hold has no factor", error, StringComparison.Ordinal);

        // A walk-forward spec is checked before anything is sent.
        await File.WriteAllTextAsync(specFile, """{"strategy":"momentum","train_sessions":252}""", TestContext.Current.CancellationToken);
        (code, _, error) = await CliRunner.RunAsync("backtest", "walk-forward", "--data-root", root, "--spec", specFile);
        Assert.Equal(1, code);
        Assert.Contains("'strategies' (a list), not 'strategy'", error, StringComparison.Ordinal);
        await File.WriteAllTextAsync(specFile, """{"strategies":["momentum"],"train_sessions":"long"}""", TestContext.Current.CancellationToken);
        (code, _, error) = await CliRunner.RunAsync("backtest", "walk-forward", "--data-root", root, "--spec", specFile);
        Assert.Equal(1, code);
        Assert.Contains("'train_sessions' must be an integer", error, StringComparison.Ordinal);

        // Cluster commands without a cluster say how to get one.
        (code, _, error) = await CliRunner.RunAsync("backtest", "list", "--data-root", root, "--gateway-port", "1");
        Assert.Equal(1, code);
        Assert.Contains("research up", error, StringComparison.Ordinal);
    }
}
