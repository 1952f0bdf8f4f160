using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Research.Backtesting.Engine;
using Research.Backtesting.Jobs;
using Research.Backtesting.Metrics;
using Research.Backtesting.Results;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;

namespace Research.Backtesting.Golden;

/// <summary>One fixed backtest's stored outcome.</summary>
public sealed record GoldenCase(string Name, string Spec, BacktestMetrics Metrics, string OrderListSha256);

/// <summary>The golden file: why and when it was generated, the pinned synthetic data (generator version, options and file checksums) and the cases.</summary>
public sealed record GoldenSet(string Reason, DateTimeOffset GeneratedAt, string GeneratorVersion, string MarketOptions, string DataSha256, IReadOnlyList<GoldenCase> Cases);

/// <summary>A metric that moved beyond its threshold.</summary>
public sealed record GoldenDrift(string Case, string What, string Expected, string Actual, string Threshold);

/// <summary>
/// Golden regression of the backtest engine, strategies, costs and metrics:
/// 1. Build the pinned synthetic market (fixed options and seed) in a scratch folder; its data fingerprint is the SHA-256
///    over every published file's checksum, so a generator change is reported as such, not as a metric drift.
/// 2. Run the fixed cases (<see cref="Cases"/>) and record the metrics and a hash of the order list (every trade's date,
///    PERMNO and target weight to 10 significant digits).
/// 3. Compare with the stored set: the order list must match exactly, trade counts exactly, metrics within
///    <see cref="Tolerance"/> (absolute, 1e-9: far below anything a user could see, above last-bit noise from a
///    different vector width).
/// Regenerating requires a reason, stored in the file with the time.
/// </summary>
public static class GoldenRegression
{
    public const double Tolerance = 1e-9;

    /// <summary>The pinned market: 150 stocks, 4 years to 2024, seed 2024, no intraday data.</summary>
    public static SyntheticMarketOptions Market { get; } = new() { Stocks = 150, Years = 4, EndYear = 2024, Seed = 2024, IntradaySymbols = 0 };

    private static readonly string[] Datasets = ["crsp/daily", "crsp/names", "crsp/delisting", "compustat/quarterly", "ccm/links", "famafrench/factors_daily"];

    /// <summary>The fixed cases: each strategy once, both execution modes, with and without costs.</summary>
    public static IReadOnlyList<(string Name, BacktestRequest Request)> Cases { get; } =
    [
        ("momentum-next-close", new BacktestRequest { Strategy = "momentum", From = new DateOnly(2022, 1, 3) }),
        ("value-next-open", new BacktestRequest { Strategy = "value", From = new DateOnly(2022, 1, 3), Execution = Execution.NextOpen }),
        ("low-vol-no-costs", new BacktestRequest { Strategy = "low-vol", From = new DateOnly(2022, 1, 3), Quantile = 0.3, Costs = CostModel.None }),
        ("quality-high-impact", new BacktestRequest { Strategy = "quality", From = new DateOnly(2022, 6, 1), Capital = 1e9, Costs = new CostModel { ImpactCoefficient = 0.5 } }),
        ("buy-and-hold", new BacktestRequest { Strategy = "buy-and-hold", From = new DateOnly(2021, 1, 4) }),
    ];

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new(ResultDocuments.Options) { WriteIndented = true };

    /// <summary>Builds the pinned market under <paramref name="scratch"/> and runs every case.</summary>
    public static async Task<GoldenSet> RunAsync(string scratch, string reason, IProgress<(string Stage, double Fraction)>? progress = null, TimeProvider? clock = null, CancellationToken cancellationToken = default)
    {
        var layout = new WarehouseLayout(scratch);
        var source = new SyntheticSyncSource(layout, Market);
        var manager = new SyncManager(layout, TimeProvider.System);
        var checksums = new StringBuilder();
        for (var i = 0; i < Datasets.Length; i++)
        {
            progress?.Report(($"building {Datasets[i]}", 0.4 * i / Datasets.Length));
            var outcome = await manager.SyncAsync(Datasets[i], SyncMode.Full, source, "golden", cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var file in outcome.Manifest.Files)
            {
                // The content, not where it lives: paths hold the version id, which is the publish time.
                checksums.Append(Datasets[i]).Append(' ').Append(file.Rows).Append(' ').Append(file.Sha256).Append('\n');
            }
        }

        var versions = BacktestRunner.CurrentVersions(layout);
        var cases = new List<GoldenCase>();
        for (var i = 0; i < Cases.Count; i++)
        {
            var (name, request) = Cases[i];
            progress?.Report(($"running {name}", 0.4 + (0.6 * i / Cases.Count)));
            var run = BacktestRunner.Run(layout, request, versions, cancellationToken: cancellationToken);
            cases.Add(new GoldenCase(name, request.Canonical(), run.Metrics, OrderListSha256(run)));
        }

        return new GoldenSet(reason, (clock ?? TimeProvider.System).GetUtcNow(), SyntheticMarketGenerator.ModelVersion, MarketText(), ResultDocuments.Sha256(checksums.ToString()), cases);
    }

    /// <summary>Differences of <paramref name="actual"/> from <paramref name="expected"/> beyond the thresholds; empty when none.</summary>
    public static IReadOnlyList<GoldenDrift> Compare(GoldenSet expected, GoldenSet actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var drifts = new List<GoldenDrift>();
        if (expected.DataSha256 != actual.DataSha256 || expected.MarketOptions != actual.MarketOptions)
        {
            drifts.Add(new GoldenDrift("(data)", $"synthetic market (generator v{actual.GeneratorVersion}, stored v{expected.GeneratorVersion})", expected.DataSha256, actual.DataSha256, "exact"));
            return drifts;
        }

        foreach (var e in expected.Cases)
        {
            var a = actual.Cases.FirstOrDefault(c => c.Name == e.Name);
            if (a is null)
            {
                drifts.Add(new GoldenDrift(e.Name, "case", "present", "missing", "exact"));
                continue;
            }

            if (a.Spec != e.Spec)
            {
                drifts.Add(new GoldenDrift(e.Name, "spec", e.Spec, a.Spec, "exact"));
            }

            if (a.Metrics.Trades != e.Metrics.Trades || a.Metrics.Days != e.Metrics.Days)
            {
                drifts.Add(new GoldenDrift(e.Name, "trades/days", $"{e.Metrics.Trades}/{e.Metrics.Days}", $"{a.Metrics.Trades}/{a.Metrics.Days}", "exact"));
            }

            if (a.OrderListSha256 != e.OrderListSha256)
            {
                drifts.Add(new GoldenDrift(e.Name, "order list", e.OrderListSha256, a.OrderListSha256, "exact"));
            }

            foreach (var (what, x, y) in Numbers(e.Metrics).Zip(Numbers(a.Metrics), (p, q) => (p.Name, p.Value, q.Value)))
            {
                if (!(Math.Abs(x - y) <= Tolerance || (double.IsNaN(x) && double.IsNaN(y))))
                {
                    drifts.Add(new GoldenDrift(e.Name, what, x.ToString("R", CultureInfo.InvariantCulture), y.ToString("R", CultureInfo.InvariantCulture), Tolerance.ToString("R", CultureInfo.InvariantCulture)));
                }
            }
        }

        drifts.AddRange(actual.Cases.Where(a => expected.Cases.All(e => e.Name != a.Name)).Select(a => new GoldenDrift(a.Name, "case", "absent", "new", "exact")));
        return drifts;
    }

    public static GoldenSet Read(string path) => ResultDocuments.Deserialize<GoldenSet>(File.ReadAllText(path));

    public static async Task WriteAsync(string path, GoldenSet set, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (string.IsNullOrWhiteSpace(set.Reason))
        {
            throw new ArgumentException("A golden set needs a reason for regenerating it.");
        }

        var json = System.Text.Json.JsonSerializer.Serialize(set, Indented);
        await DurableFile.WriteAsync(path, json + "\n", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SHA-256 over the trades in order: date, PERMNO, target weight to 10 significant digits.</summary>
    public static string OrderListSha256(BacktestRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var text = new StringBuilder();
        foreach (var t in run.Result.Trades)
        {
            text.Append(t.Date.ToString("yyyyMMdd", CultureInfo.InvariantCulture)).Append(',')
                .Append(run.Permnos[t.Asset].ToString(CultureInfo.InvariantCulture)).Append(',')
                .Append(t.After.ToString("G10", CultureInfo.InvariantCulture)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string MarketText() =>
        $"stocks={Market.Stocks};years={Market.Years};end={Market.EndYear};seed={Market.Seed};intraday={Market.IntradaySymbols}";

    private static IEnumerable<(string Name, double Value)> Numbers(BacktestMetrics m) =>
    [
        ("totalReturn", m.TotalReturn), ("cagr", m.Cagr), ("annualVolatility", m.AnnualVolatility), ("sharpe", m.Sharpe), ("sortino", m.Sortino),
        ("maxDrawdown", m.MaxDrawdown), ("calmar", m.Calmar), ("hitRate", m.HitRate), ("skewness", m.Skewness), ("kurtosis", m.Kurtosis),
        ("annualTurnover", m.AnnualTurnover), ("annualCosts", m.AnnualCosts), ("meanGrossExposure", m.MeanGrossExposure),
    ];
}
