using System.Text.Json;
using DuckDB.NET.Data;
using Research.Backtesting.Jobs;
using Research.Backtesting.MonteCarlo;
using Research.Data.Warehouse;

namespace Research.Backtesting.Results;

/// <summary>One Parquet file of a stored result.</summary>
public sealed record SeriesFile(string Name, long Rows, string Sha256);

/// <summary>A stored backtest's daily series (walk-forwards have returns only: the other arrays are null).</summary>
public sealed record DailySeries(DateOnly[] Dates, double[] Returns, double[]? Costs, double[]? Turnover, double[]? LongExposure, double[]? ShortExposure,
    double[]? LongContribution = null, double[]? ShortContribution = null);

/// <summary>One stored trade: weights before and after, and its cost as a fraction of capital.</summary>
/// <param name="Value">Dollars traded, signed (null for a result stored before trades carried it).</param>
/// <param name="Price">The execution price (CRSP's, unadjusted; null when unknown or not stored).</param>
/// <param name="Shares">Shares traded, signed: value / price.</param>
/// <param name="Realized">P&amp;L in dollars the trade realised (null for a result stored before it was kept).</param>
public sealed record StoredTrade(DateOnly Date, int Permno, double WeightBefore, double WeightAfter, double Cost, double? Value = null, double? Price = null, double? Shares = null, double? Realized = null);

/// <summary>Which trades to read: one security and/or a date range (inclusive); empty = all.</summary>
public sealed record TradeSelection(int? Permno = null, DateOnly? From = null, DateOnly? To = null)
{
    public bool IsEmpty => Permno is null && From is null && To is null;

    /// <summary>The SQL condition (literals only from typed values).</summary>
    internal string Where() => string.Join(" AND ", new[]
    {
        "true",
        Permno is { } p ? $"permno = {p.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : null,
        From is { } f ? $"date >= {DuckDbSql.Date(f)}" : null,
        To is { } t ? $"date <= {DuckDbSql.Date(t)}" : null,
    }.Where(c => c is not null));
}

/// <summary>One stored walk-forward window (session indexes) with the chosen candidate and its metrics.</summary>
public sealed record StoredWindow(int Window, int TrainFrom, int TrainTo, int TestFrom, int TestTo, string Chosen, double InSample, double OutOfSample);

public sealed record StoredSeries(string JobId, string Folder, IReadOnlyList<SeriesFile> Files, string Sha256);

/// <summary>
/// The series of finished jobs as Parquet under <c>&lt;root&gt;/&lt;job id&gt;/</c>: <c>daily.parquet</c> (date, return,
/// gross return, cost, turnover, long and short exposure), <c>trades.parquet</c>, <c>positions.parquet</c> (weights at
/// each rebalance), or <c>paths.parquet</c> for Monte Carlo; plus <c>series.json</c> with each file's rows and SHA-256.
/// Publishing is all or nothing: the files are written and fsynced in a temporary folder that is renamed into place.
/// A job that is written twice (a silo died after the rename but before the job recorded it) keeps the first folder:
/// both writes are the same bytes, because a job is deterministic.
/// </summary>
public sealed class BacktestSeriesStore(string root)
{
    public const string ManifestName = "series.json";

    /// <summary>Published results do not change: what was read of one (under the manifest hash it was verified with) is kept for the next page view.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ResultCache> _cache = new(StringComparer.Ordinal);

    /// <summary>How many results' reads are kept in memory (least recently used dropped first).</summary>
    public const int CachedResults = 16;

    private const int CachedTradePage = 200;

    private sealed class ResultCache(string manifestSha)
    {
        public string ManifestSha { get; } = manifestSha;

        public long LastUse { get; set; } = Environment.TickCount64;

        public DailySeries? Daily { get; set; }

        public (DateOnly? Date, IReadOnlyList<(int Permno, double Weight, double? Pnl)> Rows)? LastPositions { get; set; }

        public (long Total, IReadOnlyList<StoredTrade> FirstRows)? Trades { get; set; }
    }

    public string Root { get; } = Path.GetFullPath(root);

    public string Folder(string jobId) => Path.Combine(Root, RequireSafe(jobId));

    public Task<StoredSeries> WriteBacktestAsync(string jobId, BacktestRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var r = run.Result;
        var t = TradeColumns(run);
        var (positionDates, positionAssets, positionWeights) = r.Positions.Columns();
        var held = Enumerable.Range(0, r.SecurityPnl.Length).Where(i => r.SecurityPnl[i] != 0).ToArray();

        return PublishAsync(jobId, [
            new("daily.parquet", [ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<double>("ret"), ParquetColumnSpec.Of<double>("gross_ret"), ParquetColumnSpec.Of<double>("cost"),
                ParquetColumnSpec.Of<double>("turnover"), ParquetColumnSpec.Of<double>("long_exposure"), ParquetColumnSpec.Of<double>("short_exposure"),
                ParquetColumnSpec.Of<double>("long_contribution"), ParquetColumnSpec.Of<double>("short_contribution")],
                [r.Dates, r.Returns, r.GrossReturns, r.Costs, r.Turnover, r.LongExposure, r.ShortExposure, r.LongContribution, r.ShortContribution]),
            new("trades.parquet", [ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<double>("weight_before"), ParquetColumnSpec.Of<double>("weight_after"),
                ParquetColumnSpec.Of<double>("cost"), ParquetColumnSpec.Of<double>("value"), ParquetColumnSpec.Of<double>("price"), ParquetColumnSpec.Of<double>("shares"),
                ParquetColumnSpec.Of<double>("realized_pnl")],
                [t.Dates, t.Permnos, t.Before, t.After, t.Cost, t.Value, t.Price, t.Shares, t.Realized]),
            new("positions.parquet", [ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<double>("weight")],
                [positionDates, Array.ConvertAll(positionAssets, a => run.Permnos[a]), positionWeights]),
            new("securities.parquet", [ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<double>("pnl")],
                [Array.ConvertAll(held, a => run.Permnos[a]), Array.ConvertAll(held, a => r.SecurityPnl[a])]),
        ], cancellationToken);
    }

    /// <summary>A run's trades as <c>trades.parquet</c> stores them: PERMNOs, signed dollars, the execution price (NaN when unknown) and shares.</summary>
    public static (DateOnly[] Dates, int[] Permnos, double[] Before, double[] After, double[] Cost, double[] Value, double[] Price, double[] Shares, double[] Realized) TradeColumns(BacktestRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var trades = run.Result.Trades;
        var values = trades.ValueColumn();
        var prices = run.TradePrices ?? [.. values.Select(_ => double.NaN)];
        var shares = values.Select((v, k) => double.IsFinite(prices[k]) && prices[k] > 0 ? v / prices[k] : double.NaN).ToArray();
        return (trades.DateColumn(), Array.ConvertAll(trades.AssetColumn(), a => run.Permnos[a]), trades.BeforeColumn(), trades.AfterColumn(), trades.CostColumn(), values, prices, shares, trades.RealizedColumn());
    }

    /// <summary>A Monte Carlo's per-path metrics (<c>paths.parquet</c>) and, when given, its wealth fan (<c>fan.parquet</c>: day, then one column per quantile).</summary>
    public Task<StoredSeries> WriteMonteCarloAsync(string jobId, IReadOnlyList<PathMetrics> paths, WealthFan? fan = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var tables = new List<(string, ParquetColumnSpec[], Array[])>
        {
            new("paths.parquet", [ParquetColumnSpec.Of<int>("path"), ParquetColumnSpec.Of<double>("sharpe"), ParquetColumnSpec.Of<double>("cagr"), ParquetColumnSpec.Of<double>("max_drawdown"), ParquetColumnSpec.Of<double>("terminal_wealth")],
                [paths.Select(p => p.Path).ToArray(), paths.Select(p => p.Sharpe).ToArray(), paths.Select(p => p.Cagr).ToArray(), paths.Select(p => p.MaxDrawdown).ToArray(), paths.Select(p => p.TerminalWealth).ToArray()]),
        };
        if (fan is not null)
        {
            tables.Add(new("fan.parquet", [ParquetColumnSpec.Of<int>("day"), .. MonteCarloSimulator.FanQuantiles.Select(q => ParquetColumnSpec.Of<double>(FanColumn(q)))],
                [fan.Days, .. fan.Bands]));
        }

        return PublishAsync(jobId, tables, cancellationToken);
    }

    /// <summary>The stored wealth fan of a Monte Carlo, or null for one stored before fans were kept.</summary>
    public async Task<WealthFan?> ReadFanAsync(string jobId, int paths, CancellationToken cancellationToken = default)
    {
        var (pathsFile, _) = await RequireVerifiedAsync(jobId, "paths.parquet", cancellationToken).ConfigureAwait(false);
        var file = Path.Combine(Path.GetDirectoryName(pathsFile)!, "fan.parquet");
        if (!File.Exists(file))
        {
            return null;
        }

        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT day, {string.Join(", ", MonteCarloSimulator.FanQuantiles.Select(FanColumn))} FROM read_parquet({DuckDbSql.List([file])}) ORDER BY day";
        using var reader = command.ExecuteReader();
        var days = new List<int>();
        var bands = MonteCarloSimulator.FanQuantiles.Select(_ => new List<double>()).ToArray();
        while (reader.Read())
        {
            days.Add(reader.GetInt32(0));
            for (var q = 0; q < bands.Length; q++)
            {
                bands[q].Add(reader.GetDouble(q + 1));
            }
        }

        return new WealthFan(paths, [.. days], [.. bands.Select(b => b.ToArray())]);
    }

    private static string FanColumn(double quantile) => "p" + ((int)Math.Round(quantile * 100)).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A walk-forward's stitched out-of-sample track (<c>daily.parquet</c>: date, ret) and its windows.</summary>
    public Task<StoredSeries> WriteWalkForwardAsync(string jobId, DateOnly[] dates, double[] returns, IReadOnlyList<WalkForward.WindowOutcome> windows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(windows);
        return PublishAsync(jobId, [
            new("daily.parquet", [ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<double>("ret")], [dates, returns]),
            new("windows.parquet", [ParquetColumnSpec.Of<int>("window"), ParquetColumnSpec.Of<int>("train_from"), ParquetColumnSpec.Of<int>("train_to"), ParquetColumnSpec.Of<int>("test_from"), ParquetColumnSpec.Of<int>("test_to"),
                ParquetColumnSpec.Of<string>("chosen"), ParquetColumnSpec.Of<double>("in_sample_metric"), ParquetColumnSpec.Of<double>("out_of_sample_metric")],
                [Enumerable.Range(0, windows.Count).ToArray(), windows.Select(w => w.Window.TrainFrom).ToArray(), windows.Select(w => w.Window.TrainTo).ToArray(), windows.Select(w => w.Window.TestFrom).ToArray(),
                 windows.Select(w => w.Window.TestTo).ToArray(), windows.Select(w => w.Chosen).ToArray(), windows.Select(w => w.InSampleMetric).ToArray(), windows.Select(w => w.OutOfSampleMetric).ToArray()]),
        ], cancellationToken);
    }

    /// <summary>A signal sweep's table (<c>variants.parquet</c>: one row per variant and horizon, grid order).</summary>
    public Task<StoredSeries> WriteSignalSweepAsync(string jobId, Signals.SignalSweepSummary summary, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var rows = summary.Variants.SelectMany(v => v.Error is null
            ? v.Horizons.Select(h => (v, h.Horizon, h.Ic.Mean, h.RankIc.Mean, h.RankIc.Icir, h.RankIc.NeweyWestT, h.RankIc.HitRate, h.Spread))
            : [(v, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN)]).ToList();
        return PublishAsync(jobId, [
            new("variants.parquet", [ParquetColumnSpec.Of<int>("variant"), ParquetColumnSpec.Of<string>("name"), ParquetColumnSpec.Of<string>("sha256"), ParquetColumnSpec.Of<int>("horizon"),
                ParquetColumnSpec.Of<double>("ic_mean"), ParquetColumnSpec.Of<double>("rank_ic_mean"), ParquetColumnSpec.Of<double>("rank_icir"), ParquetColumnSpec.Of<double>("rank_ic_nw_t"),
                ParquetColumnSpec.Of<double>("rank_ic_hit_rate"), ParquetColumnSpec.Of<double>("spread"), ParquetColumnSpec.Of<double>("p_value"), ParquetColumnSpec.Of<double>("holm"), ParquetColumnSpec.Of<double>("benjamini_hochberg")],
                [rows.Select(r => r.v.Index).ToArray(), rows.Select(r => r.v.Name).ToArray(), rows.Select(r => r.v.Sha256).ToArray(), rows.Select(r => r.Item2).ToArray(),
                 rows.Select(r => r.Item3).ToArray(), rows.Select(r => r.Item4).ToArray(), rows.Select(r => r.Item5).ToArray(), rows.Select(r => r.Item6).ToArray(),
                 rows.Select(r => r.Item7).ToArray(), rows.Select(r => r.Item8).ToArray(), rows.Select(r => r.v.PValue).ToArray(), rows.Select(r => summary.Holm[r.v.Index]).ToArray(),
                 rows.Select(r => summary.BenjaminiHochberg[r.v.Index]).ToArray()]),
        ], cancellationToken);
    }

    /// <summary>The stored manifest of a job, or null when it has none; a folder whose files do not match their checksums fails.</summary>
    public async Task<StoredSeries?> ReadAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var folder = Folder(jobId);
        var manifest = Path.Combine(folder, ManifestName);
        if (!File.Exists(manifest))
        {
            return null;
        }

        var text = await File.ReadAllTextAsync(manifest, cancellationToken).ConfigureAwait(false);
        var files = JsonSerializer.Deserialize<List<SeriesFile>>(text) ?? throw new InvalidDataException($"{manifest}: empty manifest.");
        foreach (var file in files)
        {
            var actual = await DurableFile.Sha256Async(Path.Combine(folder, file.Name), cancellationToken).ConfigureAwait(false);
            if (!string.Equals(actual, file.Sha256, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Result {jobId}: {file.Name} has SHA-256 {actual[..12]}..., its manifest says {file.Sha256[..12]}...; the stored series was changed or damaged.");
            }
        }

        return new StoredSeries(jobId, folder, files, Hash(text));
    }

    /// <summary>The daily net returns of a stored backtest or walk-forward (checksums verified first).</summary>
    public async Task<(DateOnly[] Dates, double[] Returns)> ReadDailyReturnsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var (dates, returns, _) = await ReadForResamplingAsync(jobId, tradeDates: false, cancellationToken).ConfigureAwait(false);
        return (dates, returns);
    }

    /// <summary>
    /// What a Monte Carlo of a stored job reads: its daily net returns and, when asked, the distinct days it traded on
    /// (ascending); the folder's checksums are verified once for both.
    /// </summary>
    public async Task<(DateOnly[] Dates, double[] Returns, DateOnly[]? TradeDates)> ReadForResamplingAsync(string jobId, bool tradeDates, CancellationToken cancellationToken = default)
    {
        var stored = await ReadAsync(jobId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"No stored series for job {jobId} under {Root}.");
        string Require(string name) => stored.Files.Any(f => f.Name == name)
            ? Path.Combine(stored.Folder, name)
            : throw new InvalidOperationException($"Job {jobId} has no {name} (only backtests have trades; backtests and walk-forwards have daily returns).");

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var dates = new List<DateOnly>();
        var returns = new List<double>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT date, ret FROM read_parquet({DuckDbSql.List([Require("daily.parquet")])}) ORDER BY date";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                dates.Add(reader.GetFieldValue<DateOnly>(0));
                returns.Add(reader.GetDouble(1));
            }
        }

        List<DateOnly>? traded = null;
        if (tradeDates)
        {
            traded = [];
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT DISTINCT date FROM read_parquet({DuckDbSql.List([Require("trades.parquet")])}) ORDER BY date";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                traded.Add(reader.GetFieldValue<DateOnly>(0));
            }
        }

        return ([.. dates], [.. returns], traded?.ToArray());
    }

    /// <summary>The daily series of a stored backtest (all columns) or walk-forward (returns only); checksums verified once per published folder.</summary>
    public async Task<DailySeries> ReadDailyAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var (file, cache) = await RequireVerifiedAsync(jobId, "daily.parquet", cancellationToken).ConfigureAwait(false);
        return cache.Daily ??= ReadDaily(file);
    }

    private static DailySeries ReadDaily(string file)
    {
        using var connection = Open();
        var columns = ColumnNames(connection, file);
        var full = columns.Contains("cost");
        var legs = columns.Contains("long_contribution"); // results stored before the legs were kept lack them
        var dates = new List<DateOnly>();
        var values = Enumerable.Range(0, full ? legs ? 7 : 5 : 1).Select(_ => new List<double>()).ToArray();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT date, ret{(full ? ", cost, turnover, long_exposure, short_exposure" : string.Empty)}{(full && legs ? ", long_contribution, short_contribution" : string.Empty)} FROM read_parquet({DuckDbSql.List([file])}) ORDER BY date";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                dates.Add(reader.GetFieldValue<DateOnly>(0));
                for (var c = 0; c < values.Length; c++)
                {
                    values[c].Add(reader.GetDouble(c + 1));
                }
            }
        }

        double[]? Column(int c) => c < values.Length ? [.. values[c]] : null;
        return new DailySeries([.. dates], [.. values[0]], Column(1), Column(2), Column(3), Column(4), Column(5), Column(6));
    }

    /// <summary>One page of a stored backtest's trades in date order (then permno), with the total count.</summary>
    public async Task<(long Total, IReadOnlyList<StoredTrade> Rows)> ReadTradesAsync(string jobId, int skip, int take, TradeSelection? selection = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        var (file, cache) = await RequireVerifiedAsync(jobId, "trades.parquet", cancellationToken).ConfigureAwait(false);
        if (selection is { IsEmpty: false })
        {
            return ReadTrades(file, skip, take, selection); // a selection is not cached
        }

        if (cache.Trades is { } known && skip + take <= known.FirstRows.Count)
        {
            return (known.Total, [.. known.FirstRows.Skip(skip).Take(take)]);
        }

        var (total, rows) = ReadTrades(file, skip, take);
        if (skip == 0 && take >= CachedTradePage)
        {
            cache.Trades = (total, rows);
        }
        else if (cache.Trades is null)
        {
            cache.Trades = ReadTrades(file, 0, CachedTradePage);
        }

        return (total, rows);
    }

    private static (long Total, IReadOnlyList<StoredTrade> Rows) ReadTrades(string file, int skip, int take, TradeSelection? selection = null)
    {
        var where = (selection ?? new TradeSelection()).Where();
        using var connection = Open();
        var source = $"read_parquet({DuckDbSql.List([file])})";
        long total;
        using (var count = connection.CreateCommand())
        {
            count.CommandText = $"SELECT count(*) FROM {source} WHERE {where}";
            total = Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        var rows = new List<StoredTrade>();
        EachTrade(connection, file, $"WHERE {where} ORDER BY date, permno LIMIT {Math.Min(take, 10_000)} OFFSET {skip}", rows.Add);
        return (total, rows);
    }

    /// <summary>Every trade of a stored backtest in date order (then permno), streamed: for analyses of the whole run.</summary>
    public async Task ForEachTradeAsync(string jobId, Action<StoredTrade> each, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(each);
        var (file, _) = await RequireVerifiedAsync(jobId, "trades.parquet", cancellationToken).ConfigureAwait(false);
        using var connection = Open();
        EachTrade(connection, file, "ORDER BY date, permno", each);
    }

    private static void EachTrade(DuckDBConnection connection, string file, string tail, Action<StoredTrade> each)
    {
        // Columns absent from results stored before they were kept read as NULL; NaN (unknown price) reads as NULL too.
        var columns = ColumnNames(connection, file);
        string Optional(string name) => columns.Contains(name) ? $"CASE WHEN isnan({name}) THEN NULL ELSE {name} END" : "NULL::DOUBLE";
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT date, permno, weight_before, weight_after, cost, {Optional("value")}, {Optional("price")}, {Optional("shares")}, {Optional("realized_pnl")} FROM read_parquet({DuckDbSql.List([file])}) {tail}";
        using var reader = command.ExecuteReader();
        double? Nullable(int c) => reader.IsDBNull(c) ? null : reader.GetDouble(c);
        while (reader.Read())
        {
            each(new StoredTrade(reader.GetFieldValue<DateOnly>(0), reader.GetInt32(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), Nullable(5), Nullable(6), Nullable(7), Nullable(8)));
        }
    }

    /// <summary>The positions of a stored backtest on its last rebalance date, largest absolute weight first.</summary>
    public async Task<(DateOnly? Date, IReadOnlyList<(int Permno, double Weight, double? Pnl)> Rows)> ReadLastPositionsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var (file, cache) = await RequireVerifiedAsync(jobId, "positions.parquet", cancellationToken).ConfigureAwait(false);
        return cache.LastPositions ??= ReadLastPositions(file);
    }

    private static (DateOnly? Date, IReadOnlyList<(int Permno, double Weight, double? Pnl)> Rows) ReadLastPositions(string file)
    {
        using var connection = Open();
        var source = $"read_parquet({DuckDbSql.List([file])})";
        // Each security's P&L over the run sits beside the positions (absent from results stored before it was kept).
        var securities = Path.Combine(Path.GetDirectoryName(file)!, "securities.parquet");
        var pnl = File.Exists(securities) ? $"(SELECT s.pnl FROM read_parquet({DuckDbSql.List([securities])}) s WHERE s.permno = p.permno)" : "NULL::DOUBLE";
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT date, permno, weight, {pnl} FROM {source} p WHERE date = (SELECT max(date) FROM {source}) ORDER BY abs(weight) DESC, permno";
        using var reader = command.ExecuteReader();
        DateOnly? date = null;
        var rows = new List<(int, double, double?)>();
        while (reader.Read())
        {
            date = reader.GetFieldValue<DateOnly>(0);
            rows.Add((reader.GetInt32(1), reader.GetDouble(2), reader.IsDBNull(3) ? null : reader.GetDouble(3)));
        }

        return (date, rows);
    }

    /// <summary>
    /// The positions held at the close of the last date on or before <paramref name="date"/> (the last date when null);
    /// null date when the run holds nothing by then.
    /// </summary>
    public async Task<(DateOnly? Date, IReadOnlyList<(int Permno, double Weight)> Rows)> ReadPositionsOnAsync(string jobId, DateOnly? date, CancellationToken cancellationToken = default)
    {
        var (file, _) = await RequireVerifiedAsync(jobId, "positions.parquet", cancellationToken).ConfigureAwait(false);
        using var connection = Open();
        var source = $"read_parquet({DuckDbSql.List([file])})";
        var on = date is { } d ? $"WHERE date <= {DuckDbSql.Date(d)}" : string.Empty;
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT date, permno, weight FROM {source} WHERE date = (SELECT max(date) FROM {source} {on}) AND weight <> 0 ORDER BY permno";
        using var reader = command.ExecuteReader();
        DateOnly? found = null;
        var rows = new List<(int, double)>();
        while (reader.Read())
        {
            found = reader.GetFieldValue<DateOnly>(0);
            rows.Add((reader.GetInt32(1), reader.GetDouble(2)));
        }

        return (found, rows);
    }

    /// <summary>
    /// For each of <paramref name="dates"/>, the positions held at the close of the last date on or before it (dates
    /// before the first position are left out): the held date and PERMNO → weight, from one scan of the file.
    /// </summary>
    public async Task<IReadOnlyDictionary<DateOnly, (DateOnly Held, Dictionary<int, double> Weights)>> ReadPositionsOnDatesAsync(string jobId, IReadOnlyList<DateOnly> dates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dates);
        var (file, _) = await RequireVerifiedAsync(jobId, "positions.parquet", cancellationToken).ConfigureAwait(false);
        using var connection = Open();
        var held = new List<DateOnly>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT DISTINCT date FROM read_parquet({DuckDbSql.List([file])}) ORDER BY date";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                held.Add(reader.GetFieldValue<DateOnly>(0));
            }
        }

        var heldOn = new Dictionary<DateOnly, DateOnly>();
        foreach (var date in dates)
        {
            var i = held.BinarySearch(date);
            i = i >= 0 ? i : ~i - 1;
            if (i >= 0)
            {
                heldOn[date] = held[i];
            }
        }

        var books = heldOn.Values.Distinct().ToDictionary(d => d, _ => new Dictionary<int, double>());
        if (books.Count > 0)
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT date, permno, weight FROM read_parquet({DuckDbSql.List([file])}) WHERE weight <> 0 AND date IN ({string.Join(", ", books.Keys.Select(DuckDbSql.Date))})";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                books[reader.GetFieldValue<DateOnly>(0)][reader.GetInt32(1)] = reader.GetDouble(2);
            }
        }

        return heldOn.ToDictionary(p => p.Key, p => (p.Value, books[p.Value]));
    }

    /// <summary>The per-path metrics of a stored Monte Carlo, in path order.</summary>
    public async Task<IReadOnlyList<PathMetrics>> ReadMonteCarloPathsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var (file, _) = await RequireVerifiedAsync(jobId, "paths.parquet", cancellationToken).ConfigureAwait(false);
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT path, sharpe, cagr, max_drawdown, terminal_wealth FROM read_parquet({DuckDbSql.List([file])}) ORDER BY path";
        using var reader = command.ExecuteReader();
        var rows = new List<PathMetrics>();
        while (reader.Read())
        {
            rows.Add(new PathMetrics(reader.GetInt32(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4)));
        }

        return rows;
    }

    /// <summary>The windows of a stored walk-forward, in order.</summary>
    public async Task<IReadOnlyList<StoredWindow>> ReadWindowsAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var (file, _) = await RequireVerifiedAsync(jobId, "windows.parquet", cancellationToken).ConfigureAwait(false);
        using var connection = Open();
        using var command = connection.CreateCommand();
        // "window" is a DuckDB keyword: quoted.
        command.CommandText = $"SELECT \"window\", train_from, train_to, test_from, test_to, chosen, in_sample_metric, out_of_sample_metric FROM read_parquet({DuckDbSql.List([file])}) ORDER BY \"window\"";
        using var reader = command.ExecuteReader();
        var rows = new List<StoredWindow>();
        while (reader.Read())
        {
            rows.Add(new StoredWindow(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetString(5), reader.GetDouble(6), reader.GetDouble(7)));
        }

        return rows;
    }

    /// <summary>
    /// The path of <paramref name="name"/> in a job's published folder and the job's read cache, after its checksums
    /// were verified; a folder is verified once per manifest (results are immutable once published), so browsing a
    /// result does not rehash it.
    /// </summary>
    private async Task<(string Path, ResultCache Cache)> RequireVerifiedAsync(string jobId, string name, CancellationToken cancellationToken)
    {
        var folder = Folder(jobId);
        var manifest = Path.Combine(folder, ManifestName);
        if (!File.Exists(manifest))
        {
            throw new InvalidOperationException($"No stored series for job {jobId} under {Root}.");
        }

        var manifestHash = Hash(await File.ReadAllTextAsync(manifest, cancellationToken).ConfigureAwait(false));
        if (!_cache.TryGetValue(jobId, out var cache) || cache.ManifestSha != manifestHash)
        {
            var stored = await ReadAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"No stored series for job {jobId} under {Root}.");
            cache = _cache[jobId] = new ResultCache(stored.Sha256);
            foreach (var stale in _cache.OrderByDescending(c => c.Value.LastUse).Skip(CachedResults).Select(c => c.Key).ToList())
            {
                _cache.TryRemove(stale, out _);
            }
        }

        cache.LastUse = Environment.TickCount64;
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? (path, cache) : throw new InvalidOperationException($"Job {jobId} has no {name}.");
    }

    private static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        return connection;
    }

    private static HashSet<string> ColumnNames(DuckDBConnection connection, string file)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM parquet_schema({DuckDbSql.List([file])})";
        using var reader = command.ExecuteReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Removes a job's folder (retention); absent folders are fine.</summary>
    public void Delete(string jobId)
    {
        _cache.TryRemove(jobId, out _);
        var folder = Folder(jobId);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<StoredSeries> PublishAsync(string jobId, IReadOnlyList<(string Name, ParquetColumnSpec[] Columns, Array[] Data)> tables, CancellationToken cancellationToken)
    {
        var final = Folder(jobId);
        if (await ReadAsync(jobId, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(Root);
        var staging = Path.Combine(Root, $".{jobId}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(staging);
        try
        {
            var files = new List<SeriesFile>();
            foreach (var (name, columns, data) in tables)
            {
                var path = Path.Combine(staging, name);
                var rows = await ParquetTableWriter.WriteFileAsync(path, columns, data, cancellationToken: cancellationToken).ConfigureAwait(false);
                files.Add(new SeriesFile(name, rows, await DurableFile.Sha256Async(path, cancellationToken).ConfigureAwait(false)));
            }

            var manifest = JsonSerializer.Serialize(files);
            await DurableFile.WriteAsync(Path.Combine(staging, ManifestName), manifest, cancellationToken).ConfigureAwait(false);
            try
            {
                Directory.Move(staging, final);
            }
            catch (IOException) when (Directory.Exists(final))
            {
                // Another activation of the same job published first: same job, same bytes; keep theirs.
                Directory.Delete(staging, recursive: true);
                return await ReadAsync(jobId, cancellationToken).ConfigureAwait(false) ?? throw new InvalidDataException($"Result folder {final} has no {ManifestName}.");
            }

            DurableFile.SyncDirectory(Root);
            return new StoredSeries(jobId, final, files, Hash(manifest));
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            throw;
        }
    }

    private static string RequireSafe(string jobId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        foreach (var c in jobId)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                throw new ArgumentException($"'{jobId}' is not a job id (letters, digits and '-' only).", nameof(jobId));
            }
        }

        return jobId;
    }

    private static string Hash(string text) => ResultDocuments.Sha256(text);
}
