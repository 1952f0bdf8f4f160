using System.Globalization;
using System.Text.RegularExpressions;
using Orleans.Concurrency;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Journal;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Trading;
using Research.Platform.Storage.Audit;
using Research.Platform.Storage.Journal;
using Research.Trading.Journal;

namespace Research.Grains.Journal;

/// <summary>
/// The trade journal (<see cref="ITradeJournalGrain"/>), orchestration only: a backtest's trades are read page by page
/// from the result grain (with the tickers they had then), an account's fills from its gateway (the caller's right to
/// see accounts checked here, as calls between grains pass the authorization filter); <see cref="TradeJournal"/> makes
/// the round trips and their win/loss figures; tags and notes live in <see cref="JournalNotes"/> and every change and
/// export is audited.
/// </summary>
[StatelessWorker]
public sealed partial class TradeJournalGrain(JournalNotes notes, Research.Platform.Storage.Security.SecurityStorage security, TimeProvider clock) : Grain, ITradeJournalGrain
{
    private const int HistogramBins = 20;

    public async Task<JournalView> QueryAsync(JournalQuery query)
    {
        var (label, trades, annotations) = await LoadAsync(query).ConfigureAwait(true);
        var shown = Filter(query, trades, annotations).ToList();
        var trips = Trips(query, trades, annotations);
        var summary = TradeJournal.Summarise(trips);
        var (edges, counts) = TradeJournal.Histogram([.. trips.Where(t => t.Closed is not null).Select(t => t.Pnl)], HistogramBins);
        return new JournalView(label, shown.Count, [.. shown.Take(ITradeJournalGrain.MaxRows).Select(t => Row(t, annotations))],
            trips.Count, [.. trips.Take(ITradeJournalGrain.MaxRows).Select(t => new JournalTripRow(t.Security, t.Strategy, t.IsLong, t.Opened, t.Closed, t.HoldingDays, t.Trades, t.Pnl, t.Costs))],
            new JournalSummaryView(summary.Closed, summary.Open, summary.Wins, summary.Losses, summary.HitRate, summary.AverageWin, summary.AverageLoss, summary.PayoffRatio,
                summary.ProfitFactor, summary.TotalPnl, summary.LargestWin, summary.LargestLoss, summary.MeanHoldingDays, summary.MedianHoldingDays),
            edges, counts, [.. annotations.Values.SelectMany(n => n.Tags).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], Conventions(query.Source));
    }

    public async Task<JournalTradeRow> AnnotateAsync(JournalQuery source, string tradeKey, string[] tags, string note)
    {
        ArgumentNullException.ThrowIfNull(source);
        var cleanTags = (tags ?? []).Select(t => t.Trim()).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        if (cleanTags.Length > 10)
        {
            throw new ArgumentException($"tags: {cleanTags.Length} given; at most 10.");
        }

        if (cleanTags.FirstOrDefault(t => !TagPattern().IsMatch(t)) is { } bad)
        {
            throw new ArgumentException($"tag '{Shorten(bad)}' must be 1 to 32 letters, digits, '-' or '_'.");
        }

        note = (note ?? string.Empty).Trim();
        if (note.Length > 2_000)
        {
            throw new ArgumentException($"note: {note.Length:N0} characters; at most 2,000.");
        }

        var (label, trades, _) = await LoadAsync(source).ConfigureAwait(true);
        var trade = trades.FirstOrDefault(t => t.Key == tradeKey) ?? throw new ArgumentException($"trade '{Shorten(tradeKey ?? string.Empty)}' is not in {label}.");
        var stored = await notes.PutAsync(trade.Key, label, cleanTags, note, CallerIdentity.Current?.Actor ?? "cluster", clock.GetUtcNow()).ConfigureAwait(true);
        await AuditAsync(ResearchActions.JournalAnnotate, trade.Key,
            stored is null ? "tags and note removed" : $"tags [{string.Join(", ", cleanTags)}]; note: {(note.Length > 200 ? note[..200] + "..." : note)}").ConfigureAwait(true);
        var annotations = stored is null ? new Dictionary<string, JournalNote>() : new Dictionary<string, JournalNote> { [trade.Key] = stored };
        return Row(trade, annotations);
    }

    public async Task<JournalExport> ExportAsync(JournalQuery query, string format)
    {
        if (!QueryExport.Formats.Contains(format))
        {
            throw new ArgumentException($"format: '{format}' is not one of {string.Join(", ", QueryExport.Formats)}.");
        }

        var (label, trades, annotations) = await LoadAsync(query).ConfigureAwait(true);
        var rows = Filter(query, trades, annotations).Select(t => Row(t, annotations)).ToList();
        var result = new QueryResult(
            ["key", "at", "security", "strategy", "side", "quantity", "price", "value", "cost", "realized", "tags", "note"],
            ["VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE", "VARCHAR", "VARCHAR"],
            [.. rows.Select(r => new object?[]
            {
                r.Key, r.At.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), r.Security, r.Strategy, r.Side, r.Quantity,
                double.IsFinite(r.Price) ? r.Price : null, double.IsFinite(r.Value) ? r.Value : null, r.Cost, r.Realized, string.Join(";", r.Tags), r.Note,
            })],
            false, new Dictionary<string, string>());
        await AuditAsync("journal.export", label, $"{format}, {rows.Count} trade(s)").ConfigureAwait(true);
        var name = $"journal-{Regex.Replace(label, "[^A-Za-z0-9-]", "-")}";
        return format == "csv"
            ? new JournalExport(name + ".csv", "text/csv; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(QueryExport.Csv(result)), rows.Count)
            : new JournalExport(name + ".parquet", "application/vnd.apache.parquet", await Task.Run(() => QueryExport.ParquetBytesAsync(result)).ConfigureAwait(true), rows.Count);
    }

    /// <summary>The source's trades (time order) and its notes.</summary>
    private async Task<(string Label, List<JournalTrade> Trades, IReadOnlyDictionary<string, JournalNote> Notes)> LoadAsync(JournalQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Side is not (null or "" or "buy" or "sell"))
        {
            throw new ArgumentException($"side: '{query.Side}' is not buy or sell.");
        }

        if (query.From is { } f && query.To is { } t && t < f)
        {
            throw new ArgumentException($"dates: to {t:yyyy-MM-dd} is before from {f:yyyy-MM-dd}.");
        }

        var (label, trades) = query.Source switch
        {
            "backtest" => await BacktestAsync(query.JobId).ConfigureAwait(true),
            "account" => await AccountAsync(query.Account).ConfigureAwait(true),
            _ => throw new ArgumentException($"source: '{query.Source}' is not backtest or account."),
        };
        return (label, trades, await notes.ForSourceAsync(label).ConfigureAwait(true));
    }

    private async Task<(string, List<JournalTrade>)> BacktestAsync(string? jobId)
    {
        Security.CallerRights.Require(ResearchActions.BacktestView);
        if (string.IsNullOrWhiteSpace(jobId))
        {
            throw new ArgumentException("backtest: choose a job.");
        }

        var status = await GrainFactory.GetGrain<IBacktestJobGrain>(jobId).GetStatusAsync().ConfigureAwait(true);
        if (status.State != JobState.Succeeded || status.Kind != JobKind.Backtest)
        {
            throw new ArgumentException($"backtest: job '{jobId}' is not a finished backtest ({WireNames.Of(status.Kind)}, {WireNames.Of(status.State)}).");
        }

        var results = GrainFactory.GetGrain<IBacktestResultGrain>(0);
        var label = $"backtest:{jobId}";
        var trades = new List<JournalTrade>();
        for (var skip = 0; ; skip += 1_000)
        {
            var page = await results.GetTradesAsync(jobId, skip, 1_000).ConfigureAwait(true);
            foreach (var t in page.Rows)
            {
                var change = t.WeightAfter - t.WeightBefore;

                // Costs are stored as fractions of capital; the trade's dollar value over its weight change is the capital.
                var capital = t.Value is { } v && change != 0 ? Math.Abs(v / change) : double.NaN;
                trades.Add(new JournalTrade($"{jobId}:{t.Date:yyyyMMdd}:{t.Permno}", label, status.Label,
                    new DateTimeOffset(t.Date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), t.Ticker is { Length: > 0 } ticker ? $"{ticker} ({t.Permno})" : t.Permno.ToString(CultureInfo.InvariantCulture),
                    change, t.Price ?? double.NaN, double.IsFinite(capital) ? t.Cost * capital : 0, t.Realized, t.WeightAfter));
            }

            if (page.Rows.Length < 1_000 || trades.Count >= ITradeJournalGrain.MaxTrades)
            {
                return (label, trades);
            }
        }
    }

    private async Task<(string, List<JournalTrade>)> AccountAsync(string? account)
    {
        Security.CallerRights.Require(ResearchActions.TradingView);
        if (string.IsNullOrWhiteSpace(account))
        {
            throw new ArgumentException("account: choose an account.");
        }

        if (!(await GrainFactory.GetGrain<ITradingDirectoryGrain>(0).AccountsAsync().ConfigureAwait(true)).Contains(account, StringComparer.Ordinal))
        {
            throw new ArgumentException($"account: '{account}' has no gateway.");
        }

        var gateway = GrainFactory.GetGrain<IExecutionGatewayGrain>(account);
        var label = $"account:{account}";
        var trades = new List<JournalTrade>();
        var positions = new Dictionary<string, double>(StringComparer.Ordinal);
        long after = 0;
        while (trades.Count < ITradeJournalGrain.MaxTrades)
        {
            var page = await gateway.FillsAsync(after, 1_000).ConfigureAwait(true);
            foreach (var f in page)
            {
                var quantity = f.Side == TicketSide.Buy ? f.Quantity : -f.Quantity;
                var position = positions[f.Symbol] = positions.GetValueOrDefault(f.Symbol) + quantity;
                trades.Add(new JournalTrade($"{account}:{f.Sequence}", label, f.Strategy, f.At, f.Symbol, quantity, f.Price, f.Cost, null, position));
                after = Math.Max(after, f.Sequence);
            }

            if (page.Length < 1_000)
            {
                break;
            }
        }

        return (label, trades);
    }

    private static IEnumerable<JournalTrade> Filter(JournalQuery query, List<JournalTrade> trades, IReadOnlyDictionary<string, JournalNote> annotations) =>
        trades.Where(t =>
            (query.From is not { } from || DateOnly.FromDateTime(t.At.UtcDateTime) >= from)
            && (query.To is not { } to || DateOnly.FromDateTime(t.At.UtcDateTime) <= to)
            && SecurityMatches(query.Security, t.Security)
            && (string.IsNullOrWhiteSpace(query.Strategy) || string.Equals(query.Strategy.Trim(), t.Strategy, StringComparison.OrdinalIgnoreCase))
            && (string.IsNullOrEmpty(query.Side) || (query.Side == "buy") == (t.Quantity > 0))
            && (string.IsNullOrWhiteSpace(query.Tag) || (annotations.TryGetValue(t.Key, out var n) && n.Tags.Contains(query.Tag.Trim(), StringComparer.Ordinal))));

    /// <summary>Round trips of every trade (a trip needs its whole history), then kept by the query's filters.</summary>
    private static List<RoundTrip> Trips(JournalQuery query, List<JournalTrade> trades, IReadOnlyDictionary<string, JournalNote> annotations)
    {
        return [.. TradeJournal.RoundTrips(trades).Where(trip =>
            (query.From is not { } from || DateOnly.FromDateTime((trip.Closed ?? trip.Opened).UtcDateTime) >= from)
            && (query.To is not { } to || DateOnly.FromDateTime(trip.Opened.UtcDateTime) <= to)
            && SecurityMatches(query.Security, trip.Security)
            && (string.IsNullOrWhiteSpace(query.Strategy) || string.Equals(query.Strategy.Trim(), trip.Strategy, StringComparison.OrdinalIgnoreCase))
            && (string.IsNullOrEmpty(query.Side) || (query.Side == "buy") == trip.IsLong)
            && (query.MinPnl is not { } min || trip.Pnl >= min)
            && (query.MaxPnl is not { } max || trip.Pnl <= max)
            && (string.IsNullOrWhiteSpace(query.Tag) || trip.TradeKeys.Any(k => annotations.TryGetValue(k, out var n) && n.Tags.Contains(query.Tag.Trim(), StringComparer.Ordinal))))];
    }

    /// <summary>A security filter matches the name exactly, its ticker or its PERMNO ("AAPL (14593)" matches AAPL and 14593).</summary>
    private static bool SecurityMatches(string? wanted, string security)
    {
        if (string.IsNullOrWhiteSpace(wanted))
        {
            return true;
        }

        var w = wanted.Trim();
        return string.Equals(security, w, StringComparison.OrdinalIgnoreCase)
            || security.StartsWith(w + " (", StringComparison.OrdinalIgnoreCase)
            || security.EndsWith($"({w})", StringComparison.Ordinal);
    }

    private static JournalTradeRow Row(JournalTrade t, IReadOnlyDictionary<string, JournalNote> annotations)
    {
        var note = annotations.GetValueOrDefault(t.Key);
        var value = double.IsFinite(t.Price) ? Math.Abs(t.Quantity) * t.Price : double.NaN;
        return new JournalTradeRow(t.Key, t.At, t.Security, t.Strategy, t.Quantity > 0 ? "buy" : "sell", t.Quantity, t.Price,
            t.Source.StartsWith("backtest:", StringComparison.Ordinal) ? double.NaN : value, t.Cost, t.Realized, [.. note?.Tags ?? []], note?.Note);
    }

    private static string[] Conventions(string source) => source == "backtest"
        ?
        [
            "A backtest's trades are weight changes at the close (quantity in fractions of capital); costs in dollars (the stored fraction times the run's capital).",
            "A round trip runs from a position's opening trade to the trade that takes it back to zero or across it; its P&L is the run's realised P&L of those trades minus their costs.",
            "Holding periods in calendar days from the opening to the closing close. Win/loss figures count closed trips only; a trip of exactly zero is neither.",
            "An open trip's P&L is what its partial closes realised so far (marked so far); its open part is valued only when it closes.",
        ]
        :
        [
            "An account's fills in shares at their fill prices; costs in dollars as the gateway charged them.",
            "A round trip runs from a position's opening fill to the fill that takes it back to zero or across it (that fill split at zero); its P&L is its cash flows minus its costs.",
            "Holding periods in calendar days from the opening fill to the closing one. Win/loss figures count closed trips only; a trip of exactly zero is neither.",
            "An open trip has no P&L yet (its cash flows are not a result until it closes).",
        ];

    private async Task AuditAsync(string action, string target, string detail) =>
        await security.Audit.AppendAsync(new AuditEntry(CallerIdentity.Current?.Actor ?? "cluster", action, target, "ok", null, CallerIdentity.Current?.Origin, detail)).ConfigureAwait(true);

    private static string Shorten(string text) => text.Length > 60 ? text[..60] + "..." : text;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex TagPattern();
}
