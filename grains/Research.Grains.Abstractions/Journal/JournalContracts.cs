using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Journal;

/// <summary>
/// Which trades: <see cref="Source"/> <c>backtest</c> (job <see cref="JobId"/>) or <c>account</c> (a gateway account's
/// fills; needs <c>trading.view</c>), then filters: trade dates (inclusive), security (ticker or PERMNO, exact), strategy,
/// side (<c>buy</c>/<c>sell</c> for trades; a round trip is kept when its opening trade has that side), round-trip P&amp;L
/// bounds (dollars, after costs) and a tag.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.journal.Query")]
public sealed record JournalQuery(
    [property: Id(0)] string Source,
    [property: Id(1)] string? JobId = null,
    [property: Id(2)] string? Account = null,
    [property: Id(3)] DateOnly? From = null,
    [property: Id(4)] DateOnly? To = null,
    [property: Id(5)] string? Security = null,
    [property: Id(6)] string? Strategy = null,
    [property: Id(7)] string? Side = null,
    [property: Id(8)] double? MinPnl = null,
    [property: Id(9)] double? MaxPnl = null,
    [property: Id(10)] string? Tag = null);

/// <summary>A trade: key, time, security, strategy, side, quantity (shares, or weight for a backtest), price, dollar value and cost, realised P&amp;L when the source states it, tags and note.</summary>
[GenerateSerializer, Immutable, Alias("research.journal.Trade")]
public sealed record JournalTradeRow(
    [property: Id(0)] string Key,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Security,
    [property: Id(3)] string? Strategy,
    [property: Id(4)] string Side,
    [property: Id(5)] double Quantity,
    [property: Id(6)] double Price,
    [property: Id(7)] double Value,
    [property: Id(8)] double Cost,
    [property: Id(9)] double? Realized,
    [property: Id(10)] string[] Tags,
    [property: Id(11)] string? Note);

/// <summary>A round trip (P&amp;L in dollars after costs; holding in calendar days; null close and holding while open).</summary>
[GenerateSerializer, Immutable, Alias("research.journal.Trip")]
public sealed record JournalTripRow(
    [property: Id(0)] string Security,
    [property: Id(1)] string? Strategy,
    [property: Id(2)] bool IsLong,
    [property: Id(3)] DateTimeOffset Opened,
    [property: Id(4)] DateTimeOffset? Closed,
    [property: Id(5)] double? HoldingDays,
    [property: Id(6)] int Trades,
    [property: Id(7)] double Pnl,
    [property: Id(8)] double Costs);

/// <summary>Win/loss figures of the closed round trips shown (NaN where undefined: no win, no loss).</summary>
[GenerateSerializer, Immutable, Alias("research.journal.Summary")]
public sealed record JournalSummaryView(
    [property: Id(0)] int Closed,
    [property: Id(1)] int Open,
    [property: Id(2)] int Wins,
    [property: Id(3)] int Losses,
    [property: Id(4)] double HitRate,
    [property: Id(5)] double AverageWin,
    [property: Id(6)] double AverageLoss,
    [property: Id(7)] double PayoffRatio,
    [property: Id(8)] double ProfitFactor,
    [property: Id(9)] double TotalPnl,
    [property: Id(10)] double LargestWin,
    [property: Id(11)] double LargestLoss,
    [property: Id(12)] double MeanHoldingDays,
    [property: Id(13)] double MedianHoldingDays);

/// <summary>The journal of one source under a query: trades and round trips (the first <see cref="ITradeJournalGrain.MaxRows"/> of each, counts of all), the summary, the P&amp;L histogram of the closed trips.</summary>
[GenerateSerializer, Immutable, Alias("research.journal.View")]
public sealed record JournalView(
    [property: Id(0)] string Label,
    [property: Id(1)] int TradeCount,
    [property: Id(2)] JournalTradeRow[] Trades,
    [property: Id(3)] int TripCount,
    [property: Id(4)] JournalTripRow[] Trips,
    [property: Id(5)] JournalSummaryView Summary,
    [property: Id(6)] double[] HistogramEdges,
    [property: Id(7)] int[] HistogramCounts,
    [property: Id(8)] string[] Tags,
    [property: Id(9)] string[] Conventions);

/// <summary>A file of the journal's trades: name, content type, bytes and rows.</summary>
[GenerateSerializer, Immutable, Alias("research.journal.Export")]
public sealed record JournalExport([property: Id(0)] string FileName, [property: Id(1)] string ContentType, [property: Id(2)] byte[] Content, [property: Id(3)] int Rows);

/// <summary>The trade journal on the silo (key 0): trades of a backtest or a gateway account, round trips and their win/loss analysis, tags and notes (stored in the relational store, audited).</summary>
[Alias("research.journal.journal")]
public interface ITradeJournalGrain : IGrainWithIntegerKey
{
    /// <summary>Trades and round trips sent to a page at most (exports carry every trade).</summary>
    const int MaxRows = 2_000;

    /// <summary>Trades read from one source at most.</summary>
    const int MaxTrades = 500_000;

    [Alias("query")]
    [RequiresAction(ResearchActions.JournalView)]
    Task<JournalView> QueryAsync(JournalQuery query);

    /// <summary>Sets a trade's tags (at most 10, each 1 to 32 of letters, digits, '-', '_') and note (at most 2,000 characters); empty both removes them. Audited.</summary>
    [Alias("annotate")]
    [RequiresAction(ResearchActions.JournalAnnotate)]
    Task<JournalTradeRow> AnnotateAsync(JournalQuery source, string tradeKey, string[] tags, string note);

    /// <summary>The query's trades with their tags and notes as <c>csv</c> or <c>parquet</c>; audited.</summary>
    [Alias("export")]
    [RequiresAction(ResearchActions.JournalView)]
    Task<JournalExport> ExportAsync(JournalQuery query, string format);
}
