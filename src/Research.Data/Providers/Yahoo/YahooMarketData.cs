using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Research.Data.Fetching;

namespace Research.Data.Providers.Yahoo;

/// <summary>
/// Yahoo as a <see cref="IMarketDataProvider"/>, through a per-symbol <see cref="YahooHistoryCache"/>:
/// 1. The range is cut at the last completed day (<see cref="CompletedSessions"/>: today's bar may still move before
///    18:00 in New York); a cached entry that covers the range answers without a request.
/// 2. An entry that ends earlier is extended from its last bar on (that bar is asked again as a check). If the
///    check bar's close or adjusted close changed, or the new part brings a dividend or a split, Yahoo has
///    re-adjusted the whole history, so the whole range is fetched again; otherwise the new bars are appended.
/// 3. A range starting before the entry is fetched whole.
/// 4. The response is parsed completely before the cache is written, so a truncated or empty answer leaves the entry
///    as it was and fails naming the symbol.
/// Without a client (<see cref="Name"/> <c>cache</c>) only the cache answers: an offline fallback that says how stale it is.
/// </summary>
public sealed class YahooMarketData : IMarketDataProvider
{
    private readonly YahooChartClient? _client;
    private readonly YahooHistoryCache _cache;
    private readonly TimeProvider _clock;
    private readonly IReadOnlyList<string> _universe;
    private readonly ILogger _logger;

    /// <param name="client">The chart client, or null to serve the cache only.</param>
    /// <param name="universe">The symbols <see cref="UniverseAsync"/> answers with (Yahoo has no point-in-time universe).</param>
    public YahooMarketData(YahooChartClient? client, YahooHistoryCache cache, TimeProvider clock, IReadOnlyList<string>? universe = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(clock);
        (_client, _cache, _clock, _universe, _logger) = (client, cache, clock, universe ?? [], logger ?? NullLogger.Instance);
        _logger.LogWarning("Yahoo data in use: {Warnings}", string.Join(" ", YahooReturns.DevelopmentWarnings));
    }

    public string Name => _client is null ? "cache" : "yahoo";

    /// <summary>Requests made to Yahoo by this instance (a rerun served from the cache makes none).</summary>
    public int Requests { get; private set; }

    public Task<IReadOnlyList<string>> UniverseAsync(DateOnly date, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(_universe.Count > 0 ? _universe : _cache.Symbols());

    public async Task<PriceHistory> DailyAsync(string symbol, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        symbol = symbol.Trim().ToUpperInvariant();
        var completed = CompletedSessions.LastCompletedDay(_clock.GetUtcNow());
        var coverTo = to < completed ? to : completed;
        if (coverTo < from)
        {
            throw new ArgumentException($"{symbol}: {from:yyyy-MM-dd}..{to:yyyy-MM-dd} has no completed day yet (the last is {completed:yyyy-MM-dd}).", nameof(from));
        }

        var entry = await _cache.ReadAsync(symbol, cancellationToken).ConfigureAwait(false);
        if (entry is not null && entry.From <= from && entry.To >= coverTo)
        {
            return YahooReturns.ToHistory(entry.Series, from, coverTo, Name, fromCache: true);
        }

        if (_client is null)
        {
            if (entry is null || entry.From > from)
            {
                throw new SymbolNotFoundException($"{symbol}: not in the Yahoo cache ({_cache.Folder}) for {from:yyyy-MM-dd}..{coverTo:yyyy-MM-dd}.");
            }

            var stale = YahooReturns.ToHistory(entry.Series, from, coverTo, Name, fromCache: true);
            return stale with { Warnings = [.. stale.Warnings, $"{symbol}: the cache ends on {entry.To:yyyy-MM-dd} (fetched {entry.FetchedAt:yyyy-MM-dd HH:mm} UTC); later sessions are missing."] };
        }

        var updated = entry is not null && entry.From <= from && entry.Series.Bars.Count > 0
            ? await ExtendAsync(entry, coverTo, cancellationToken).ConfigureAwait(false)
            : await FetchAsync(symbol, entry is not null && entry.From < from ? entry.From : from, entry is not null && entry.To > coverTo ? entry.To : coverTo, cancellationToken).ConfigureAwait(false);
        await _cache.WriteAsync(updated, cancellationToken).ConfigureAwait(false);
        return YahooReturns.ToHistory(updated.Series, from, coverTo, Name, fromCache: false);
    }

    private async Task<YahooCacheEntry> ExtendAsync(YahooCacheEntry entry, DateOnly coverTo, CancellationToken cancellationToken)
    {
        var old = entry.Series;
        var last = old.Bars[^1];
        var fresh = await RequestAsync(old.Symbol, last.Date, coverTo, cancellationToken).ConfigureAwait(false);
        var checks = fresh.Bars.Where(b => b.Date == last.Date).Take(1).ToList();
        var readjusted = checks.Count == 0 || !Same(checks[0].Close, last.Close) || !Same(checks[0].AdjustedClose, last.AdjustedClose)
            || fresh.Dividends.Any(d => d.Date > last.Date) || fresh.Splits.Any(s => s.Date > last.Date);
        if (readjusted)
        {
            _logger.LogInformation("{Symbol}: Yahoo re-adjusted its history since {Fetched} (a new dividend or split); fetching {From}..{To} again", old.Symbol, entry.FetchedAt, entry.From, coverTo);
            return await FetchAsync(old.Symbol, entry.From, coverTo, cancellationToken).ConfigureAwait(false);
        }

        var series = old with { Bars = [.. old.Bars, .. fresh.Bars.Where(b => b.Date > last.Date)] };
        return new YahooCacheEntry(series, entry.From, coverTo, _clock.GetUtcNow());
    }

    private async Task<YahooCacheEntry> FetchAsync(string symbol, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var series = await RequestAsync(symbol, from, to, cancellationToken).ConfigureAwait(false);
        return new YahooCacheEntry(series with { Symbol = symbol }, from, to, _clock.GetUtcNow());
    }

    private async Task<YahooChartSeries> RequestAsync(string symbol, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        Requests++;
        try
        {
            var series = await _client!.DailyAsync(symbol, from, to, cancellationToken).ConfigureAwait(false);
            return series with { Symbol = symbol };
        }
        catch (YahooChartException e) when (e.Message.Contains("No data found", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("has no result", StringComparison.Ordinal))
        {
            throw new SymbolNotFoundException($"Yahoo has no data for {symbol} in {from:yyyy-MM-dd}..{to:yyyy-MM-dd}: {e.Message}", e);
        }
        catch (YahooChartException e)
        {
            throw new YahooChartException($"Yahoo {symbol} {from:yyyy-MM-dd}..{to:yyyy-MM-dd}: {e.Message} The cache was left as it was.", e);
        }
    }

    private static bool Same(double? a, double? b) => a is null ? b is null : b is not null && Math.Abs(a.Value - b.Value) <= 1e-9 * Math.Max(1, Math.Abs(a.Value));
}
