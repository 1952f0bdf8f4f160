using DuckDB.NET.Data;
using Research.Analytics.Events;
using Research.Analytics.Factors;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Testing;

namespace Research.Analytics.Tests.Events;

/// <summary>
/// The synthetic market plants, per earnings report, a jump of 0.02 × SUE on the report day and a drift of
/// 0.0002 × SUE a session for the 60 sessions after it (<c>SecurityState</c>; SUE planted in truth/earnings). The event
/// study over the warehouse's Compustat report dates recovers both: regressed across events on the planted SUE, the day-0
/// abnormal return has slope 0.02 and CAR[+1, +60] slope 0.012; and sorted on the SUE the study measures itself (from
/// net income, not the truth), the highest decile drifts above the lowest, significantly.
/// </summary>
public sealed class EarningsDriftTests
{
    [Fact]
    public async Task The_planted_post_earnings_drift_is_recovered_by_surprise_decile()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("pead");
        var layout = new WarehouseLayout(dir.Combine("data"));
        var source = new SyntheticSyncSource(layout, new SyntheticMarketOptions { Stocks = 800, Years = 7, EndYear = 2024, Seed = 23, IntradaySymbols = 0 });
        var manager = new SyncManager(layout, TimeProvider.System);
        foreach (var dataset in new[] { "crsp/daily", "crsp/names", "compustat/quarterly", "ccm/links", "famafrench/factors_daily" })
        {
            await manager.SyncAsync(dataset, SyncMode.Full, source, "tests", cancellationToken: ct);
        }

        using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System);
        var panel = EquityPanelLoader.Load(session, new DateOnly(2018, 1, 1), new DateOnly(2024, 12, 31));
        var earnings = EarningsEvents.FromPanel(panel);
        Assert.True(earnings.Count > 5_000, $"{earnings.Count} reports with a SUE");
        // Market-adjusted returns, as the drift literature uses: a market model's alpha, fitted over the year before, carries
        // the stock's past performance into 60 days of abnormal returns (measured here: −10% between the extreme deciles
        // with the market model, whose alpha the measured SUE, built on net income that follows the price, correlates with).
        var options = new EventStudyOptions { Model = AbnormalReturnModel.MarketAdjusted, Window = new EventWindow(-5, 60), Tests = [new EventWindow(0, 0), new EventWindow(1, 60)] };
        var (market, returns) = EventStudyLoader.Load(session, [.. earnings.Select(e => e.Event)], options);
        var result = EventStudy.Run([.. earnings.Select(e => e.Event)], market, p => returns.GetValueOrDefault(p), options, cancellationToken: ct);
        Assert.Equal(10, result.Groups.Count);
        // The synthetic Fama-French factors start after a warm-up (book equity needs a fiscal year): earlier reports are
        // left out for want of the market's return, and say so; so are securities delisted inside the 60 days.
        Assert.True(result.Events.Count > 6_000, $"{result.Events.Count} of {earnings.Count} studied; left out: {string.Join("; ", result.Dropped.Take(3).Select(d => d.Reason))}");
        Assert.All(result.Dropped, d => Assert.True(d.Reason.Contains("Fama-French", StringComparison.Ordinal) || d.Reason.Contains("outside the sessions", StringComparison.Ordinal) || d.Reason.StartsWith("no return of PERMNO", StringComparison.Ordinal)
            || d.Reason.Contains("estimation window", StringComparison.Ordinal), d.Reason));

        // Planted SUE per report from the truth file.
        var planted = new Dictionary<(int, DateOnly), double>();
        using (var connection = new DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            var market0 = Path.Combine(layout.StagingFolder, "synthetic-cache", source.OptionsHash);
            command.CommandText = $"SELECT permno, rdq, sue FROM read_parquet('{Path.Combine(market0, "truth", "earnings", "**", "*.parquet").Replace('\\', '/')}')";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                planted[(reader.GetInt32(0), reader.GetFieldValue<DateOnly>(1))] = reader.GetDouble(2);
            }
        }

        var matched = result.Events.Where(e => planted.ContainsKey((e.Event.Permno, e.Day0))).ToArray();
        Assert.True(matched.Length > 0.95 * result.Events.Count, $"{matched.Length} of {result.Events.Count} events on a planted report day");
        var sue = matched.Select(e => planted[(e.Event.Permno, e.Day0)]).ToArray();
        double Slope(double[] y)
        {
            var (mx, my) = (sue.Average(), y.Average());
            return sue.Zip(y).Sum(p => (p.First - mx) * (p.Second - my)) / sue.Sum(x => (x - mx) * (x - mx));
        }

        var jump = Slope([.. matched.Select(e => e.Car[0])]);
        var drift = Slope([.. matched.Select(e => e.Car[1])]);
        Assert.True(Math.Abs(jump - 0.02) < 0.002, $"day-0 abnormal return per unit of planted SUE {jump:F4}, planted 0.02");
        Assert.True(Math.Abs(drift - 0.012) < 0.005, $"CAR[+1, +60] per unit of planted SUE {drift:F4}, planted 60 × 0.0002 = 0.012");

        // Deciles of the SUE the study measures itself (net income, not the truth): the planted SUE differs between the
        // extreme deciles by Δ, so the day-0 jump differs by 0.02 Δ and the drift by 0.012 Δ; both measured within three
        // standard errors of that, the drift positive.
        var (spread, t, high, low) = EarningsEvents.Spread(result, 1);
        double PlantedMean(int decile) => matched.Where(e => e.Event.Group == EarningsEvents.Label(decile)).Average(e => planted[(e.Event.Permno, e.Day0)]);
        var delta = PlantedMean(10) - PlantedMean(1);
        Assert.True(delta > 0.5, $"planted SUE: decile 10 − decile 1 = {delta:F2}");
        Assert.True(spread > 0 && Math.Abs(spread - (0.012 * delta)) < 3 * spread / t,
            $"CAR[+1, +60] decile 10 − decile 1: {spread:P2} (Welch t {t:F2}, {high} and {low} events); planted 0.012 × {delta:F2} = {0.012 * delta:P2}");
        var top = result.Groups.Single(g => g.Group == EarningsEvents.Label(10)).Tests[0];
        var bottom = result.Groups.Single(g => g.Group == EarningsEvents.Label(1)).Tests[0];
        var jumpSpread = top.Caar - bottom.Caar;
        var jumpSe = Math.Sqrt((top.CarSd * top.CarSd / top.Events) + (bottom.CarSd * bottom.CarSd / bottom.Events));
        Assert.True(Math.Abs(jumpSpread - (0.02 * delta)) < 3 * jumpSe, $"day 0 decile 10 − decile 1: {jumpSpread:P2} ± {jumpSe:P2}; planted 0.02 × {delta:F2} = {0.02 * delta:P2}");
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{result.Events.Count} of {earnings.Count} reports studied; slopes on planted SUE: day 0 {jump:F4}, CAR[+1, +60] {drift:F4}; deciles 10 − 1: planted SUE {delta:F2}, day 0 {jumpSpread:P2}, drift {spread:P2} (t {t:F2}); day-0 Patell {top.Patell:F1} and {bottom.Patell:F1}"));
        Assert.True(top.Patell > 5 && bottom.Patell < -5, $"day-0 Patell Z: decile 10 {top.Patell:F1}, decile 1 {bottom.Patell:F1}");
    }
}
