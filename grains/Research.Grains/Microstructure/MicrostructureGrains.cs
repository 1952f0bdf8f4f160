using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Research.Analytics.Microstructure;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Microstructure;
using Research.Grains.Backtests;

namespace Research.Grains.Microstructure;

/// <summary>
/// Orchestrates a microstructure study (<see cref="IMicrostructureGrain"/>): pins the current versions of the ticks, lists
/// the days, asks one <see cref="IMicrostructureDayGrain"/> per day (placed anywhere in the cluster; at most the backtest
/// jobs' chunks-in-flight at once; a day lost with its silo asked again by <see cref="UnitRetryPolicy"/>) and merges the
/// days in date order with <see cref="MicrostructureStudy.Merge"/>: the same numbers on one silo or many.
/// </summary>
[StatelessWorker]
public sealed class MicrostructureGrain(WarehouseLayout layout, TimeProvider clock, IServiceProvider services, ILogger<MicrostructureGrain> logger) : Grain, IMicrostructureGrain
{
    /// <summary>Symbol-days one study may take: each brings its one-minute bars back to this grain for VPIN (about 8 KB), so
    /// 10,000 keep a study within some 100 MB; the CLI reads a symbol at a time and has no such cap.</summary>
    public const int MaxSymbolDays = 10_000;

    /// <summary>Symbols one study may name.</summary>
    public const int MaxSymbols = 200;

    public async Task<MicrostructureView> RunAsync(MicrostructureRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.From is { } f && request.To is { } t && f > t)
        {
            throw new ArgumentException($"from {f:yyyy-MM-dd} is after to {t:yyyy-MM-dd}.");
        }

        var symbols = string.IsNullOrWhiteSpace(request.Symbols) ? null
            : request.Symbols.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Research.Data.Providers.Wrds.WrdsTaq.SymbolRoot).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (symbols is { Length: > MaxSymbols })
        {
            throw new ArgumentException($"symbols: {symbols.Length} named; a study takes at most {MaxSymbols} (research micro for more).");
        }

        var catalog = new WarehouseCatalog(layout);
        var trades = catalog.ReadCurrent(TaqTicks.Trades) ?? throw new ArgumentException($"{TaqTicks.Trades} is not in the warehouse: sync the ticks first (research taq sync, or research sync --dataset taq).");
        var quotes = catalog.ReadCurrent(TaqTicks.Quotes) ?? throw new ArgumentException($"{TaqTicks.Quotes} is not in the warehouse: sync the ticks first (research taq sync, or research sync --dataset taq).");
        var versions = new Dictionary<string, string> { [TaqTicks.Trades] = trades.VersionId, [TaqTicks.Quotes] = quotes.VersionId };
        var days = await Task.Run(() =>
        {
            using var session = WarehouseQuerySession.OpenVersions(layout, versions, QueryLimits.Default, clock);
            var where = new List<string> { "true" };
            if (request.From is { } from)
            {
                where.Add($"date >= {DuckDbSql.Date(from)}");
            }

            if (request.To is { } to)
            {
                where.Add($"date <= {DuckDbSql.Date(to)}");
            }

            if (symbols is not null)
            {
                where.Add($"sym_root IN ({string.Join(", ", symbols.Select(DuckDbSql.Literal))})");
            }

            var list = new List<(DateOnly Date, long Symbols)>();
            using var command = session.CreateTrustedCommand($"SELECT date, count(DISTINCT sym_root) FROM taq.trades WHERE {string.Join(" AND ", where)} GROUP BY date ORDER BY 1");
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add((reader.GetFieldValue<DateOnly>(0), reader.GetInt64(1)));
            }

            return list;
        }).ConfigureAwait(true);
        if (days.Count == 0)
        {
            throw new ArgumentException($"no ticks{(symbols is null ? string.Empty : " of " + string.Join(", ", symbols))} in {request.From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "the first day"}..{request.To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "the last day"}.");
        }

        if (days.Sum(d => d.Symbols) is var symbolDays and > MaxSymbolDays)
        {
            throw new ArgumentException($"{symbolDays:N0} symbol-days of ticks ({days.Count} days); a study takes at most {MaxSymbolDays:N0}: narrow the dates or name symbols (research micro has no cap).");
        }

        var options = services.GetService<BacktestServices>()?.Options ?? new BacktestJobOptions();
        var study = Guid.NewGuid().ToString("N");
        var done = new ConcurrentDictionary<DateOnly, MicrostructureDayResult>();
        var factory = GrainFactory; // the loop's bodies run on the thread pool, outside the activation
        await UnitRetryPolicy.ForEachAsync(days.Select(d => d.Date), options, clock, async (day, token) =>
        {
            var call = new MicrostructureDayRequest(day, symbols, trades.VersionId, quotes.VersionId);
            done[day] = await factory.GetGrain<IMicrostructureDayGrain>($"{study}/{day:yyyy-MM-dd}").RunAsync(call).WaitAsync(options.ChunkTimeout, token).ConfigureAwait(true);
        }, (e, day, attempt, delay) => logger.LogWarning(e, "Microstructure study {Study}: day {Day} attempt {Attempt} failed; asking again in {Delay}", study, day, attempt, delay),
            CancellationToken.None).ConfigureAwait(true);

        var result = await Task.Run(() => MicrostructureStudy.Merge(done.Values.Select(FromView))).ConfigureAwait(true);
        var forecasts = result.Symbols.Where(s => s.Har is not null)
            .SelectMany(s => s.Har!.Forecasts.Select(h => (h.Date, s.Symbol, h.Har, h.Naive)))
            .ToDictionary(x => (x.Date, x.Symbol), x => (x.Har, x.Naive));
        return new MicrostructureView(result.From, result.To, result.Days, result.SymbolDays,
            [.. result.Pattern.Select(b => new PatternBucketView(b.From, b.To, b.VolumeShare, b.VarianceShare, b.RelativeSpread))],
            [.. result.Symbols.Select(s => new SymbolSummaryView(s.Symbol, s.Days, s.MeanRv, s.AnnualisedVolatility, s.MeanJumpShare, s.RelativeQuotedSpread, s.RelativeEffectiveSpread, s.Depth, s.Volume,
                s.VpinMean, s.VpinLast, s.VpinBuckets, s.Har is { } h ? h.HarMse / h.NaiveMse : double.NaN, s.Har is { } q ? q.HarQlike / q.NaiveQlike : double.NaN, s.HarNextDay))],
            [.. result.DailyRv.Select(r => forecasts.TryGetValue((r.Date, r.Symbol), out var f) ? new RvPointView(r.Date, r.Symbol, r.Rv, f.Har, f.Naive) : new RvPointView(r.Date, r.Symbol, r.Rv, double.NaN, double.NaN))],
            $"{TaqTicks.Trades} {trades.VersionId}, {TaqTicks.Quotes} {quotes.VersionId}",
            [.. done.Values.Select(d => d.Silo).Distinct().Order(StringComparer.Ordinal)]);
    }

    private static DayMeasures FromView(MicrostructureDayResult d) => new(d.Date,
        [.. d.Symbols.Select(s => new SymbolDayMeasures(s.Symbol, s.Rv, s.Bipower, s.Jump, s.RelativeQuotedSpread, s.RelativeEffectiveSpread, s.Depth, s.Trades, s.Volume, s.BarStart, s.BarClose, s.BarVolume))],
        d.BucketVolume, d.BucketVariance, d.BucketQuotedSeconds, d.BucketSpreadSeconds);
}

/// <summary>Computes one day of a study where it is placed (<see cref="MicrostructureStudy.Day"/> on the pinned versions); nothing is kept between calls.
/// Placed at random: the default placement may keep every day on the silo that asks (seen in a test: 12 days on one silo of 3).</summary>
[Orleans.Placement.RandomPlacement]
public sealed class MicrostructureDayGrain(WarehouseLayout layout, TimeProvider clock, ILocalSiloDetails silo) : Grain, IMicrostructureDayGrain
{
    public async Task<MicrostructureDayResult> RunAsync(MicrostructureDayRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var day = await Task.Run(() =>
        {
            var versions = new Dictionary<string, string> { [TaqTicks.Trades] = request.TradesVersion, [TaqTicks.Quotes] = request.QuotesVersion };
            using var session = WarehouseQuerySession.OpenVersions(layout, versions, QueryLimits.Default, clock);
            var wanted = request.Symbols?.ToHashSet(StringComparer.Ordinal);
            return MicrostructureStudy.Day(request.Date, TaqTicks.ReadDate(session, request.Date).Where(d => wanted is null || wanted.Contains(d.Symbol)));
        }).ConfigureAwait(true);
        DeactivateOnIdle();
        return new MicrostructureDayResult(day.Date,
            [.. day.Symbols.Select(s => new SymbolDayView(s.Symbol, s.Rv, s.Bipower, s.Jump, s.RelativeQuotedSpread, s.RelativeEffectiveSpread, s.Depth, s.Trades, s.Volume,
                [.. s.BarStart], [.. s.BarClose], [.. s.BarVolume]))],
            [.. day.BucketVolume], [.. day.BucketVariance], [.. day.BucketQuotedSeconds], [.. day.BucketSpreadSeconds], silo.SiloAddress.ToParsableString());
    }
}
