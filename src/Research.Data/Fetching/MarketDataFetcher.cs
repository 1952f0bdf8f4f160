using System.Diagnostics;
using Research.Core.Calendars;

namespace Research.Data.Fetching;

/// <summary>
/// One way to ask for daily prices whatever the source: a chain of <see cref="IMarketDataProvider"/>s tried in order
/// (for example CRSP, then Yahoo, then Yahoo's cache offline), per symbol:
/// 1. The NYSE sessions of the range are what is wanted.
/// 2. Each provider in turn is asked for the span from the first to the last session still missing; its bars on those
///    sessions are kept with its name (a provider's bars on days that are not NYSE sessions are kept only from the first
///    provider that served any, so foreign listings keep their own calendar).
/// 3. A provider that has nothing (<see cref="SymbolNotFoundException"/>) or fails is recorded, and the next one is
///    asked; a symbol no provider served fails with every reason.
/// 4. Every call is counted in <see cref="FetcherMetrics"/> (calls, cache hits, failures, latency, per provider).
/// Sessions that stay missing after the whole chain (a halt, before a listing) are simply absent: never filled in.
/// </summary>
public sealed class MarketDataFetcher(IReadOnlyList<IMarketDataProvider> chain, FetcherMetrics metrics)
{
    public IReadOnlyList<IMarketDataProvider> Chain { get; } = chain.Count > 0 ? chain : throw new ArgumentException("The fetcher needs at least one provider.", nameof(chain));

    public Task<FetchedPrices> FetchAsync(string symbol, DateOnly from, DateOnly to, CancellationToken cancellationToken = default) =>
        FetchAsync(symbol, from, to, [.. NyseCalendar.Instance.Sessions(from, to)], cancellationToken);

    private async Task<FetchedPrices> FetchAsync(string symbol, DateOnly from, DateOnly to, DateOnly[] sessions, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        symbol = symbol.Trim().ToUpperInvariant();
        var missing = new bool[sessions.Length];
        Array.Fill(missing, true);
        var left = sessions.Length;
        var bars = new List<SourcedBar>();
        var spans = new List<SourceSpan>();
        var failures = new List<string>();
        var warnings = new List<string>();
        string? currency = null;
        bool Missing(DateOnly date) => Array.BinarySearch(sessions, date) is var i && i >= 0 && missing[i];
        foreach (var provider in Chain)
        {
            if (left == 0 && bars.Count > 0)
            {
                break;
            }

            var start = Stopwatch.GetTimestamp();
            PriceHistory history;
            try
            {
                history = bars.Count == 0
                    ? await provider.DailyAsync(symbol, from, to, cancellationToken).ConfigureAwait(false)
                    : await provider.DailyAsync(symbol, sessions[Array.IndexOf(missing, true)], sessions[Array.LastIndexOf(missing, true)], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                metrics.Failed(provider.Name, e is SymbolNotFoundException, FetcherMetrics.Since(start));
                failures.Add($"{provider.Name}: {e.Message}");
                continue;
            }

            metrics.Served(provider.Name, history.FromCache, FetcherMetrics.Since(start));
            var first = bars.Count == 0;
            var kept = new List<DailyBar>(history.Bars.Count);
            foreach (var bar in history.Bars)
            {
                if (Missing(bar.Date) || (first && !NyseCalendar.Instance.IsSession(bar.Date)))
                {
                    kept.Add(bar);
                }
            }

            if (kept.Count == 0)
            {
                continue;
            }

            if (currency is not null && history.Currency != currency)
            {
                failures.Add($"{provider.Name}: quotes {symbol} in {history.Currency}, not {currency} like {spans[0].Source}; its bars were not mixed in.");
                continue;
            }

            currency ??= history.Currency;
            foreach (var bar in kept)
            {
                bars.Add(new SourcedBar(bar, provider.Name));
                if (Array.BinarySearch(sessions, bar.Date) is var i && i >= 0)
                {
                    missing[i] = false;
                    left--;
                }
            }

            spans.Add(new SourceSpan(provider.Name, kept[0].Date, kept[^1].Date, kept.Count, history.FromCache));
            warnings.AddRange(history.Warnings.Where(w => !warnings.Contains(w)));
        }

        if (bars.Count == 0)
        {
            throw new SymbolNotFoundException($"No provider had {symbol} for {from:yyyy-MM-dd}..{to:yyyy-MM-dd}: {string.Join("; ", failures.Select(f => f.TrimEnd('.')))}.");
        }

        if (spans.Count > 1)
        {
            bars.Sort((a, b) => a.Bar.Date.CompareTo(b.Bar.Date)); // later providers filled gaps: one date order
        }

        return new FetchedPrices(symbol, currency!, bars, spans, failures, warnings);
    }

    /// <summary>
    /// Fetches several symbols, <paramref name="parallelism"/> at a time, reporting (symbols done, total); a symbol no
    /// provider served is in <c>Failed</c> with its reasons, never silently dropped.
    /// </summary>
    public async Task<(IReadOnlyList<FetchedPrices> Fetched, IReadOnlyList<(string Symbol, string Reason)> Failed)> FetchManyAsync(
        IReadOnlyList<string> symbols, DateOnly from, DateOnly to, IProgress<(int Done, int Total)>? progress = null, int parallelism = 4, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var sessions = NyseCalendar.Instance.Sessions(from, to).ToArray(); // once for every symbol
        var results = new FetchedPrices?[symbols.Count];
        var reasons = new string?[symbols.Count];
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, symbols.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken }, async (i, token) =>
        {
            try
            {
                results[i] = await FetchAsync(symbols[i], from, to, sessions, token).ConfigureAwait(false);
            }
            catch (SymbolNotFoundException e)
            {
                reasons[i] = e.Message;
            }

            progress?.Report((Interlocked.Increment(ref done), symbols.Count));
        }).ConfigureAwait(false);
        return ([.. results.OfType<FetchedPrices>()], [.. symbols.Select((s, i) => (s, reasons[i])).Where(p => p.Item2 is not null).Select(p => (p.s, p.Item2!))]);
    }
}
