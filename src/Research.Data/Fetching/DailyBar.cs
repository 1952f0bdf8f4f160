namespace Research.Data.Fetching;

/// <summary>
/// One session of one security, as every provider gives it (see <c>docs/CONCEPTS/unified-data-fetcher.md</c>):
/// <list type="bullet">
/// <item>Prices in the currency's main unit. CRSP's are as traded; Yahoo's are split-adjusted to the day they were
/// fetched (its convention), so compare across sources with <see cref="Ret"/>, never with prices.</item>
/// <item><see cref="Ret"/> is the total return from the previous bar's close: (close + dividend) x split ratio
/// conventions as CRSP defines <c>ret</c>; <see cref="RetX"/> the return without dividends (CRSP <c>retx</c>). Null on the
/// first bar and when either close is missing.</item>
/// <item><see cref="Dividend"/> per share on its ex-date (same price basis as the close); <see cref="SplitRatio"/> new
/// shares per old on the split date (4 for a 4:1 split).</item>
/// </list>
/// </summary>
public readonly record struct DailyBar(
    DateOnly Date,
    double? Open,
    double? High,
    double? Low,
    double? Close,
    double? Volume,
    double? Ret,
    double? RetX,
    double? Dividend = null,
    double? SplitRatio = null);
