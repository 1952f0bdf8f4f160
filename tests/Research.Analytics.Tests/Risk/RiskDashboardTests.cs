using MathNet.Numerics.Distributions;
using Research.Analytics.Factors;
using Research.Analytics.Risk;

namespace Research.Analytics.Tests.Risk;

/// <summary>
/// The risk dashboard on a hand-sized model: factors market, one industry and one style; the Monte Carlo VaR against
/// closed forms (normal and Student-t), budgets by pattern, and the report the dashboard embeds against the CLI's.
/// </summary>
public sealed class RiskDashboardTests
{
    private static readonly StoredForecast Forecast = new(
        new DateOnly(2024, 6, 28), "fit-1", ["market", "ind_tech", "value"],
        [[0.0001, 0.00002, 0.0], [0.00002, 0.00004, 0.0], [0.0, 0.0, 0.000025]],
        new Dictionary<int, double[]> { [1] = [1, 1, 0.8], [2] = [1, 0, -0.5], [3] = [1, 1, 0.1], [4] = [1, 0, 1.2] },
        new Dictionary<int, double> { [1] = 0.0001, [2] = 0.0004, [3] = 0.0009, [4] = 0.0002 });

    private static readonly PortfolioHolding[] Book = [new("A", 1, 0.5), new("B", 2, 0.3), new("C", 3, 0.2)];

    [Fact]
    public void Normal_monte_carlo_var_converges_to_the_parametric_value()
    {
        var model = Forecast.FactorModel([1, 2, 3]);
        double[] w = [0.5, 0.3, 0.2];
        var sigma = PortfolioRisk.Decompose(model, w).Volatility;
        var returns = MonteCarloRisk.Simulate(model, w, 400_000, 0, 7);
        foreach (var c in new[] { 0.95, 0.99 })
        {
            var (var1, es1) = PortfolioRisk.Historical(returns, c);
            var (pv, pe) = PortfolioRisk.Parametric(sigma, 0, c);
            Assert.InRange(var1 / pv, 0.985, 1.015);
            Assert.InRange(es1 / pe, 0.98, 1.02);
        }
    }

    [Fact]
    public void Student_t_monte_carlo_var_of_a_pure_factor_book_matches_the_scaled_t_quantile()
    {
        // No specific risk: the return is x·f with f multivariate t (ν = 5) of covariance F, so VaR = σ √((ν−2)/ν) t⁻¹(c).
        var noSpecific = Forecast with { SpecificVariance = new Dictionary<int, double> { [1] = 0, [2] = 0, [3] = 0, [4] = 0 } };
        var model = noSpecific.FactorModel([1, 2]);
        double[] w = [0.6, 0.4];
        var sigma = PortfolioRisk.Decompose(model, w).Volatility;
        var returns = MonteCarloRisk.Simulate(model, w, 400_000, 5, 11);
        foreach (var c in new[] { 0.95, 0.99 })
        {
            var expected = sigma * Math.Sqrt(3.0 / 5.0) * StudentT.InvCDF(0, 1, 5, c);
            Assert.InRange(PortfolioRisk.Historical(returns, c).ValueAtRisk / expected, 0.98, 1.02);
        }

        Assert.Equal(returns, MonteCarloRisk.Simulate(model, w, 400_000, 5, 11));
        Assert.NotEqual(returns, MonteCarloRisk.Simulate(model, w, 400_000, 5, 12));
        Assert.Contains("degrees of freedom: 2", Assert.Throws<ArgumentException>(() => MonteCarloRisk.Simulate(model, w, 1000, 2, 1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_dashboard_embeds_the_cli_report_and_its_exposures_are_active_against_the_benchmark()
    {
        var (dates, returns) = History(800);
        var benchmark = new PortfolioHolding[] { new("1", 1, 0.25), new("2", 2, 0.25), new("3", 3, 0.25), new("4", 4, 0.25) };
        var result = RiskDashboard.Build(Forecast, Book, benchmark, dates, returns, new RiskDashboardSettings { MonteCarloPaths = 5_000 });

        // research risk report reads three years up to the forecast date: the same numbers.
        var from = Forecast.Date.AddYears(-PortfolioRiskReport.HistoryLookbackYears);
        var inWindow = Enumerable.Range(0, dates.Length).Where(t => dates[t] >= from && dates[t] <= Forecast.Date).ToArray();
        var cli = PortfolioRiskReport.Build(Forecast, Book, benchmark, [.. inWindow.Select(t => dates[t])], [.. inWindow.Select(t => returns[t])], 0.95);
        Assert.Equal(cli.Risk.Volatility, result.Report.Risk.Volatility);
        Assert.Equal(cli.Historical, result.Report.Historical);
        Assert.Equal(cli.TrackingError, result.Report.TrackingError);
        Assert.Equal(cli.Historical!.ValueAtRisk, result.Measures.Single(m => m.Method == RiskDashboard.Historical && m.Confidence == 0.95).ValueAtRisk);
        Assert.Equal(cli.ParametricValueAtRisk, result.Measures.Single(m => m.Method == RiskDashboard.Parametric && m.Confidence == 0.95).ValueAtRisk);
        Assert.Equal(6, result.Measures.Count); // three methods at 95 and 99%

        // x = Bᵀw: market 1.0, tech 0.7, value 0.4 - 0.15 + 0.02 = 0.27; the equal-weighted benchmark 1, 0.5, 0.4.
        Assert.Equal([1.0, 0.7, 0.27], result.Exposures.Select(e => Math.Round(e.Portfolio, 12)));
        Assert.Equal([0.0, 0.2, -0.13], result.Exposures.Select(e => Math.Round(e.Active, 12)));
        Assert.True(result.Exposures[1].Industry && !result.Exposures[2].Industry);
    }

    [Fact]
    public void Scenarios_outside_the_models_history_say_why_and_the_shock_propagates()
    {
        var (dates, returns) = History(300);
        var result = RiskDashboard.Build(Forecast, Book, null, dates, returns, new RiskDashboardSettings { MonteCarloPaths = 1_000 });
        var gfc = result.Scenarios.Single(s => s.Name == "gfc");
        Assert.Null(gfc.Result);
        Assert.Contains("needs factor returns between 2008-09-01 and 2009-03-31", gfc.Unavailable, StringComparison.Ordinal);
        // The worst 21 sessions for today's exposures: no other window of the history loses more.
        var worst = result.Scenarios.Single(s => s.Name == "worst 21 sessions").Result!;
        Assert.Equal(21, worst.Sessions);
        var x = result.Report.Risk.Exposures;
        var daily = returns.Select(f => f.Select((v, k) => v * x[k]).Sum()).ToArray();
        var windows = Enumerable.Range(0, daily.Length - 20).Select(t => daily.Skip(t).Take(21).Sum()).ToList();
        Assert.Equal(windows.Min(), worst.Total, 12);
        var shock = result.Scenarios[^1].Result!;
        Assert.Equal(-0.10, shock.FactorMoves["market"]);
        Assert.Equal(-0.10 * 0.00002 / 0.0001, shock.FactorMoves["ind_tech"], 12); // E[f_tech | f_market] = Σ_tm / Σ_mm × shock
        Assert.Equal(shock.ByFactor.Values.Sum(), shock.Total, 15);
    }

    [Fact]
    public void Budgets_take_the_most_specific_pattern_and_refuse_what_names_no_factor()
    {
        ExposureLine[] exposures = [new("market", false, 1, 1, 0), new("ind_tech", true, 0.3, 0.1, 0.2), new("value", false, 0.9, 0.1, 0.8)];
        var lines = RiskDashboard.Budgets(exposures, [new("*", 1.0), new("ind_*", 0.1), new("value", 0.4)]);
        Assert.Equal(["ind_tech", "value", "market"], lines.Select(l => l.Factor));
        Assert.Equal(2.0, lines[0].Utilisation, 12);
        Assert.Equal("ind_*", lines[0].Pattern);
        Assert.True(lines[1].Breached && lines[1].Pattern == "value" && !lines[2].Breached);
        Assert.DoesNotContain(RiskDashboard.Budgets(exposures, [new("ind_*", 0.1)]), l => !l.Industry);
        Assert.Contains("no such factor", Assert.Throws<ArgumentException>(() => RiskDashboard.Budgets(exposures, [new("momentum", 1)])).Message, StringComparison.Ordinal);
        Assert.Contains("a prefix ending in '*'", Assert.Throws<ArgumentException>(() => RiskDashboard.Budgets(exposures, [new("*_tech", 1)])).Message, StringComparison.Ordinal);
        Assert.Contains("positive number", Assert.Throws<ArgumentException>(() => RiskDashboard.Budgets(exposures, [new("value", 0)])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cap_weighted_benchmark_weighs_the_covered_stocks_by_size()
    {
        var snapshot = new StoredSnapshot(Forecast.Date, ["value"], [new(1, "A", 0, 300, [0.8]), new(2, "B", 0, 100, [-0.5]), new(9, "Z", 0, 600, [0])]);
        var benchmark = RiskDashboard.CapWeighted(snapshot, Forecast);
        Assert.Equal([(1, 0.75), (2, 0.25)], benchmark.Select(b => (b.Permno, b.Weight)));
    }

    [Fact]
    public void A_portfolio_text_is_read_as_csv_or_json_and_a_bad_line_is_named()
    {
        Assert.Equal([("AAPL", 0.5), ("10001", -0.25)], PortfolioText.Parse("asset,weight\nAAPL,0.5\n10001,-0.25\n", "portfolio"));
        Assert.Equal([("AAPL", 0.5)], PortfolioText.Parse("{\"weights\": {\"AAPL\": 0.5}}", "portfolio"));
        Assert.Equal("portfolio line 3: expected 'asset,weight' with a number, got 'MSFT,abc'.", Assert.Throws<ArgumentException>(() => PortfolioText.Parse("asset,weight\nAAPL,0.5\nMSFT,abc", "portfolio")).Message);
        Assert.Contains("has no positions", Assert.Throws<ArgumentException>(() => PortfolioText.Parse("asset,weight\n", "portfolio")).Message, StringComparison.Ordinal);
        Assert.Contains("'AAPL' is listed twice", Assert.Throws<ArgumentException>(() => PortfolioText.Parse("asset,weight\nAAPL,1\naapl,2", "portfolio")).Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", Assert.Throws<ArgumentException>(() => PortfolioText.Parse("{\"AAPL\": ", "portfolio")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exposures_on_a_snapshot_count_only_covered_positions_and_the_drill_down_adds_up()
    {
        // Factors market, ind_hitec, value; industry code 5 is HiTec in the Fama-French 10 (Names[5]).
        string[] factors = ["market", "ind_" + Ff10Industries.Names[5].ToLowerInvariant(), "value"];
        var snapshot = new StoredSnapshot(new DateOnly(2024, 5, 31), ["value"], [new(1, "A", 5, 300, [0.8]), new(2, "B", 0, 100, [-0.5])]);
        var book = new Dictionary<int, double> { [1] = 0.6, [2] = 0.3, [7] = 0.1 }; // PERMNO 7 has no exposures that day
        var point = ExposureHistory.At(factors, snapshot, book, ExposureHistory.CapWeights(snapshot));
        Assert.Equal(2, point.Positions);
        Assert.Equal(0.1, point.Uncovered, 15);
        Assert.Equal([0.9, 0.6, 0.33], point.Portfolio.Select(v => Math.Round(v, 12)));
        Assert.Equal([1.0, 0.75, 0.475], point.Benchmark.Select(v => Math.Round(v, 12))); // caps 300:100
        var rows = ExposureHistory.Drill(factors, snapshot, book, ExposureHistory.CapWeights(snapshot), "value");
        Assert.Equal([1, 2], rows.Select(r => r.Permno).Order());
        Assert.Equal(point.Portfolio[2], rows.Sum(r => r.Contribution), 12);
        Assert.Equal(point.Portfolio[2] - point.Benchmark[2], rows.Sum(r => r.Active), 12);
        Assert.Contains("not one of the model's factors", Assert.Throws<ArgumentException>(() => ExposureHistory.Drill(factors, snapshot, book, null, "size")).Message, StringComparison.Ordinal);
    }

    /// <summary>Weekday factor returns ending on the forecast date, drawn from the model's covariance.</summary>
    private static (DateOnly[] Dates, double[][] Returns) History(int days)
    {
        var random = new Research.Core.Randomness.DeterministicRandom(3);
        var dates = new List<DateOnly>();
        for (var d = Forecast.Date; dates.Count < days; d = d.AddDays(-1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                dates.Add(d);
            }
        }

        dates.Reverse();
        return ([.. dates], [.. dates.Select(_ => new[] { 0.01 * random.NextGaussian(), 0.006 * random.NextGaussian(), 0.005 * random.NextGaussian() })]);
    }
}
