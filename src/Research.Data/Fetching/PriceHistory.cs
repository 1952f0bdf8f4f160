namespace Research.Data.Fetching;

/// <summary>
/// What one provider gave for one symbol and range: bars in date order, the currency, and the caveats a result that
/// uses it must carry (Yahoo's development-only warnings, for example).
/// </summary>
/// <param name="Source">The provider that served it: <c>crsp</c>, <c>yahoo</c>, <c>cache</c>, <c>synthetic</c>.</param>
/// <param name="FromCache">True when no request was made (served from the local cache).</param>
public sealed record PriceHistory(string Symbol, string Source, string Currency, IReadOnlyList<DailyBar> Bars, IReadOnlyList<string> Warnings, bool FromCache = false)
{
    /// <summary>Dividends and splits, from the bars, in date order.</summary>
    public IReadOnlyList<CorporateAction> CorporateActions =>
    [
        .. Bars.SelectMany(b => new[]
        {
            b.Dividend is { } d and > 0 ? new CorporateAction(b.Date, CorporateActionKind.Dividend, d) : null,
            b.SplitRatio is { } s && s != 1 ? new CorporateAction(b.Date, CorporateActionKind.Split, s) : null,
        }).OfType<CorporateAction>(),
    ];
}
