using DuckDB.NET.Data;
using Research.Analytics.Microstructure;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Analytics.Tests.Microstructure;

/// <summary>
/// The synthetic market's intraday variance of a symbol-day is planted as 0.65 ((σ_i m_t)² + 0.011²): σ_i the stock's
/// specific volatility and m_t the specific-volatility multiplier, which follows the market's GARCH(1,1) variance
/// (truth/specific_risk, truth/factor_returns). From a year of one symbol's ticks in the warehouse, daily
/// realized variance at five minutes tracks the planted variance, and HAR-RV fitted on the first 150 days forecasts the
/// rest better than yesterday's RV by MSE and QLIKE, and closer to the planted variance.
/// </summary>
public sealed class HarPlantedVolatilityTests
{
    [Fact]
    public async Task Har_recovers_the_planted_volatility_process_and_beats_the_naive_forecast_out_of_sample()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("har");
        var layout = new WarehouseLayout(dir.Combine("data"));
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 30, Years = 2, EndYear = 2024, Seed = 13, IntradaySymbols = 1, IntradayDays = 252, IntradayTradeSize = 5_000 });
        var manager = new SyncManager(layout, TimeProvider.System);
        foreach (var dataset in new[] { "taq/trades", "taq/quotes", "crsp/names" })
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: ct);
        }

        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System);
        var days = TaqTicks.Read(session, cancellationToken: ct).ToList();
        Assert.Equal(252, days.Count);
        Assert.Single(days.Select(d => d.Symbol).Distinct());
        var rv = days.Select(d => RealizedMeasures.Realized(d.Events, 300, 60, d.Open, d.Close).Variance).ToArray();
        var dates = days.Select(d => d.Date).ToArray();

        // Planted variance per day.
        var market = Path.Combine(layout.StagingFolder, "synthetic-cache", source.OptionsHash);
        string Glob(string dataset) => Path.Combine(market, dataset, "**", "*.parquet").Replace('\\', '/');
        var multiplier = new Dictionary<DateOnly, double>();
        double specific;
        using (var connection = new DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT date, specific_vol_multiplier FROM read_parquet('{Glob("truth/factor_returns")}')";
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    multiplier[reader.GetFieldValue<DateOnly>(0)] = reader.GetDouble(1);
                }
            }

            command.CommandText = $"""
                SELECT s.specific_vol FROM read_parquet('{Glob("truth/specific_risk")}') s
                JOIN read_parquet('{Glob("crsp/names")}') n ON n.permno = s.permno WHERE n.ticker = '{days[0].Symbol}' LIMIT 1
                """;
            specific = Convert.ToDouble(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        var planted = dates.Select(d => 0.65 * (Math.Pow(specific * multiplier[d], 2) + (0.011 * 0.011))).ToArray();
        Assert.True(Math.Abs((rv.Average() / planted.Average()) - 1) < 0.1, $"mean RV {rv.Average():E3}, planted {planted.Average():E3}");
        var spread = planted.Max() / planted.Min();
        Assert.True(spread > 1.5, $"the planted variance moves (max/min {spread:F2})");

        var evaluation = HarModel.Evaluate(dates, rv, 150);
        Assert.Equal(102, evaluation.Forecasts.Count);
        Assert.True(evaluation.MseRatio < 0.9 && evaluation.QlikeRatio < 0.9, $"out of sample HAR/naive: MSE {evaluation.MseRatio:F3}, QLIKE {evaluation.QlikeRatio:F3}");
        var fit = evaluation.LastFit;
        Assert.True(fit.Daily + fit.Weekly + fit.Monthly is > 0.5 and < 1.1, $"persistence {fit.Daily + fit.Weekly + fit.Monthly:F3} (c {fit.Intercept:E2}, d {fit.Daily:F3}, w {fit.Weekly:F3}, m {fit.Monthly:F3})");

        // Against the planted variance of the forecast day, HAR's error is smaller than the naive one's.
        var index = dates.Select((d, t) => (d, t)).ToDictionary(p => p.d, p => p.t);
        var harError = evaluation.Forecasts.Average(f => Math.Pow(f.Har - planted[index[f.Date]], 2));
        var naiveError = evaluation.Forecasts.Average(f => Math.Pow(f.Naive - planted[index[f.Date]], 2));
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"mean RV {rv.Average():E3}, planted {planted.Average():E3}; out of sample HAR/naive MSE {evaluation.MseRatio:F3}, QLIKE {evaluation.QlikeRatio:F3}; persistence {fit.Daily + fit.Weekly + fit.Monthly:F3}; distance to planted HAR {harError:E3}, naive {naiveError:E3}"));
        Assert.True(harError < 0.5 * naiveError, $"mean squared distance to the planted variance: HAR {harError:E3}, naive {naiveError:E3}");
    }
}
