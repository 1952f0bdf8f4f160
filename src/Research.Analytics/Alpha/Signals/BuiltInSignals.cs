namespace Research.Analytics.Alpha.Signals;

/// <summary>
/// The signals every warehouse has (version 1 each): 12-1 momentum, short-term reversal, value (book/price, earnings
/// yield), quality (ROE, gross margin), low volatility, size (small is attractive), earnings surprise, and the synthetic
/// market's planted alpha. Each raw descriptor is winsorised at 1% and z-scored; the planted alpha is used as planted.
/// </summary>
public static class BuiltInSignals
{
    public static IReadOnlyList<SignalDefinition> All { get; } =
    [
        Standard("momentum", "momentum_12_1", 1, "12-1 month momentum (Jegadeesh and Titman 1993)"),
        Standard("reversal", "reversal_21", 1, "short-term reversal: last month's losers (Jegadeesh 1990)"),
        Standard("value_bp", "book_to_price", 1, "value: book-to-price"),
        Standard("value_ey", "earnings_yield", 1, "value: earnings yield"),
        Standard("quality_roe", "roe", 1, "quality: return on equity"),
        Standard("quality_gm", "gross_margin", 1, "quality: gross margin"),
        Standard("low_vol", "low_vol", 1, "low volatility: minus the log residual volatility"),
        Standard("size", "log_size", -1, "size: minus the log market cap (small is attractive)"),
        Standard("earnings_surprise", "sue", 1, "post-earnings-announcement drift: standardised unexpected earnings"),
        new SignalDefinition("planted_alpha", 1, "the synthetic market's planted alpha score (truth/alpha), as planted",
            [new SignalTerm(SignalDescriptors.PlantedAlpha, 1, [])], []),
    ];

    public static SignalDefinition? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));

    private static SignalDefinition Standard(string name, string descriptor, double weight, string description) =>
        new(name, 1, description, [new SignalTerm(descriptor, weight, [SignalTransform.Parse("winsorize:0.01"), SignalTransform.Parse("zscore")])], []);
}
