using System.Globalization;
using Research.Core.Calendars;
using Research.Data.Warehouse;

namespace Research.Data.Providers.Wrds;

/// <summary>
/// WRDS millisecond TAQ as it is named there: one schema per year (<c>taqm_YYYY</c>) holding per-day tables
/// <c>ctm_YYYYMMDD</c> (consolidated trades), <c>cqm_YYYYMMDD</c> (consolidated quotes), <c>complete_nbbo_YYYYMMDD</c>
/// (the national best bid and offer) and <c>mastm_YYYYMMDD</c> (the day's master file of symbols); and the cleaned
/// SELECTs that bring a day into the warehouse's <c>taq/trades</c> and <c>taq/quotes</c> schema.
/// <para>
/// Cleaning, on the server (so rejected rows never cross the network), after Barndorff-Nielsen, Hansen, Lunde and
/// Shephard (2009): P1 the regular session of the NYSE calendar (09:30 to 16:00, 13:00 on half days; the close
/// excluded); P2 positive prices (and bid, ask); T1 no corrected or cancelled trades (<c>tr_corr = '00'</c>); T2 no
/// trade with an abnormal sale condition (<c>tr_scond</c> may hold only blanks and the regular codes <c>@</c>,
/// <c>E</c>, <c>F</c> and <c>I</c>, the odd lot that the consolidated tape has carried since 2013); Q2 no crossed
/// NBBO (ask below bid); Q3 no NBBO whose spread exceeds 50 times the symbol's median spread of the day; and
/// Holden and Jacobsen (2014)'s normal quote conditions (<c>qu_cond</c> in A, B, H, O, R, W). Common shares only
/// (<c>sym_suffix</c> empty). T4 (trades more than a spread outside the quote) needs the quote in force and is applied
/// where trades meet quotes, in <c>TaqTicks</c>; T3 and Q1 (one median per timestamp) and Q4 are not applied: every trade
/// and quote is kept in time order (docs/CONCEPTS/taq-data.md says why).
/// </para>
/// <para>Units: WRDS's quote sizes are round lots of 100 shares; the warehouse holds shares (× 100). <c>time_m</c> is a
/// time of day with microseconds; the warehouse's <c>time_m_us</c> is microseconds after midnight (<c>time_m_nano</c>
/// is dropped).</para>
/// </summary>
public static class WrdsTaq
{
    /// <summary>Shares in one round lot, the unit of WRDS's quote sizes.</summary>
    public const int RoundLot = 100;

    /// <summary>Trade sale conditions that are regular trades (T2 keeps a trade whose conditions are all among these or blank).</summary>
    public const string RegularSaleConditions = "@EFI";

    /// <summary>Quote conditions of normal quotes (Holden and Jacobsen 2014).</summary>
    public static IReadOnlyList<string> NormalQuoteConditions { get; } = ["A", "B", "H", "O", "R", "W"];

    /// <summary>Q3: an NBBO spread above this multiple of the symbol's median spread of the day is dropped.</summary>
    public const double MaxSpreadToMedian = 50;

    public static string Schema(DateOnly date) => string.Create(CultureInfo.InvariantCulture, $"taqm_{date.Year}");

    public static string Trades(DateOnly date) => $"{Schema(date)}.ctm_{Day(date)}";

    public static string Quotes(DateOnly date) => $"{Schema(date)}.cqm_{Day(date)}";

    public static string Nbbo(DateOnly date) => $"{Schema(date)}.complete_nbbo_{Day(date)}";

    public static string Master(DateOnly date) => $"{Schema(date)}.mastm_{Day(date)}";

    /// <summary>The warehouse columns of <c>taq/trades</c>.</summary>
    public static IReadOnlyList<ParquetColumnSpec> TradeColumns { get; } =
    [
        ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<long>("time_m_us"), ParquetColumnSpec.Of<string>("sym_root"),
        ParquetColumnSpec.Of<double>("price"), ParquetColumnSpec.Of<int>("size"),
    ];

    /// <summary>The warehouse columns of <c>taq/quotes</c> (the NBBO).</summary>
    public static IReadOnlyList<ParquetColumnSpec> QuoteColumns { get; } =
    [
        ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<long>("time_m_us"), ParquetColumnSpec.Of<string>("sym_root"),
        ParquetColumnSpec.Of<double>("bid"), ParquetColumnSpec.Of<int>("bidsiz"), ParquetColumnSpec.Of<double>("ask"), ParquetColumnSpec.Of<int>("asksiz"),
    ];

    /// <summary>The cleaned trades of a day (all symbols, or those given), ordered by symbol, time and sequence number.</summary>
    public static string TradesSql(DateOnly date, IReadOnlyCollection<string>? symbols = null) =>
        $"SELECT date, (extract(epoch FROM time_m) * 1000000)::bigint AS time_m_us, sym_root::text, price::double precision, size::integer " +
        $"FROM {Trades(date)} WHERE {Session(date)} AND price > 0 AND size > 0 AND tr_corr = '00' " +
        $"AND translate(coalesce(tr_scond, ''), ' {RegularSaleConditions}', '') = '' AND coalesce(sym_suffix, '') = ''{SymbolFilter(symbols)} " +
        "ORDER BY sym_root, time_m, tr_seqnum";

    /// <summary>The cleaned NBBO of a day (sizes in shares), ordered by symbol, time and sequence number.</summary>
    public static string QuotesSql(DateOnly date, IReadOnlyCollection<string>? symbols = null)
    {
        var usable = $"{Session(date)} AND best_bid > 0 AND best_ask >= best_bid AND coalesce(sym_suffix, '') = '' " +
            $"AND qu_cond IN ({string.Join(", ", NormalQuoteConditions.Select(c => $"'{c}'"))}){SymbolFilter(symbols)}";
        return "WITH q AS (SELECT date, time_m, qu_seqnum, sym_root, best_bid, best_bidsiz, best_ask, best_asksiz " +
            $"FROM {Nbbo(date)} WHERE {usable}), " +
            "m AS (SELECT sym_root, percentile_cont(0.5) WITHIN GROUP (ORDER BY best_ask - best_bid) AS median FROM q GROUP BY sym_root) " +
            $"SELECT q.date, (extract(epoch FROM q.time_m) * 1000000)::bigint AS time_m_us, q.sym_root::text, q.best_bid::double precision, (q.best_bidsiz * {RoundLot})::integer, " +
            $"q.best_ask::double precision, (q.best_asksiz * {RoundLot})::integer FROM q JOIN m USING (sym_root) " +
            $"WHERE q.best_ask - q.best_bid <= {MaxSpreadToMedian.ToString(CultureInfo.InvariantCulture)} * m.median ORDER BY q.sym_root, q.time_m, q.qu_seqnum";
    }

    /// <summary>Rows of the day's tables before cleaning (the planner's estimate or the table statistics; no scan).</summary>
    public static string StatisticsSql(DateOnly date) =>
        $"SELECT coalesce((SELECT reltuples FROM pg_class WHERE oid = to_regclass('{Trades(date)}')), -1), " +
        $"coalesce((SELECT reltuples FROM pg_class WHERE oid = to_regclass('{Nbbo(date)}')), -1)";

    /// <summary>The regular session of <paramref name="date"/> as a condition on <c>time_m</c>.</summary>
    public static string Session(DateOnly date)
    {
        var hours = NyseCalendar.Instance.GetSessionHours(date) ?? throw new ArgumentException($"{date:yyyy-MM-dd} is not an NYSE session.", nameof(date));
        return string.Create(CultureInfo.InvariantCulture, $"time_m >= TIME '{hours.Open:HH\\:mm\\:ss}' AND time_m < TIME '{hours.Close:HH\\:mm\\:ss}'");
    }

    private static string Day(DateOnly date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string SymbolFilter(IReadOnlyCollection<string>? symbols)
    {
        if (symbols is null || symbols.Count == 0)
        {
            return string.Empty;
        }

        return $" AND sym_root IN ({string.Join(", ", symbols.Select(SymbolRoot).Order(StringComparer.Ordinal).Select(s => $"'{s}'"))})";
    }

    /// <summary>The symbol in upper case, or an error when it is not a TAQ symbol root (1 to 10 letters or digits; share
    /// classes such as BRK.B have a suffix and are not pulled). Symbols go into SQL only through this check.</summary>
    public static string SymbolRoot(string symbol) =>
        symbol is { Length: > 0 and <= 10 } && symbol.All(char.IsAsciiLetterOrDigit) ? symbol.ToUpperInvariant()
            : throw new ArgumentException($"'{symbol}' is not a TAQ symbol root (1 to 10 letters or digits; share classes such as BRK.B are not pulled).", nameof(symbol));
}
