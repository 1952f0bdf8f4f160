using Research.Core.Calendars;

namespace Research.Analytics.Factors;

/// <summary>What a factor definition needs from the panel.</summary>
[Flags]
public enum FactorInputs
{
    Returns = 1,
    MarketCap = 2,
    Fundamentals = 4,
    Turnover = 8,
    Industries = 16,
}

/// <summary>
/// One style factor: how its raw descriptor is computed for an asset at a rebalance date from what was known at
/// that date's close, and how the descriptor is turned into an exposure. Every definition is point in time: it
/// reads returns up to and including the rebalance session and fundamentals whose known date is on or before it.
/// </summary>
/// <param name="Name">Factor name (snake case).</param>
/// <param name="Formula">The formula, in words, as shown by <c>research factors show</c> and in the docs.</param>
/// <param name="Inputs">Data it needs; a factor whose inputs the panel lacks is left out of a build.</param>
/// <param name="Raw">The raw descriptor of asset i at session t, or NaN when it cannot be computed.</param>
public sealed record FactorDefinition(string Name, string Formula, FactorInputs Inputs, Func<DescriptorContext, int, int, double> Raw)
{
    /// <summary>Residualise the standardised exposure on size (and re-standardise), as Barra does for residual volatility.</summary>
    public bool OrthogonalToSize { get; init; }

    /// <summary>Point-in-time inputs, in words.</summary>
    public string PointInTime { get; init; } = string.Empty;
}

/// <summary>The registry of built-in style factors.</summary>
public static class FactorRegistry
{
    /// <summary>Sessions in the momentum window: 12 months back to 1 month back (the last month is skipped).</summary>
    public const int MomentumMonths = 12;

    public const int VolatilitySessions = Annualisation.SessionsPerYear;

    public const int BetaSessions = Annualisation.SessionsPerYear;

    public const int LiquiditySessions = 63;

    public static IReadOnlyList<FactorDefinition> All { get; } =
    [
        new("size", "log of market capitalisation at the rebalance close (without shares outstanding: log of mean daily dollar volume over 63 sessions, a proxy)",
            FactorInputs.Returns, static (c, t, i) => c.LogSize(t, i))
        {
            PointInTime = "close price and shares outstanding of the rebalance session",
        },
        new("value", "log(book equity / market equity), both at the fiscal quarter end of the latest quarter reported",
            FactorInputs.Fundamentals | FactorInputs.MarketCap, static (c, t, i) => c.LogBookToMarket(t, i))
        {
            PointInTime = "compustat ceqq of the latest quarter with report date (rdq, or period end + 90 days) on or before the rebalance date; market cap at that quarter's end",
        },
        new("quality", "profitability: gross margin, (sales - cost of goods sold) / sales over the last four reported quarters",
            FactorInputs.Fundamentals, static (c, t, i) => c.GrossMargin(t, i))
        {
            PointInTime = "compustat saleq and cogsq of the four latest quarters known on the rebalance date (report date, or period end + 90 days; all within 366 days)",
        },
        new("roe", "return on equity: net income of the last four reported quarters over their mean book equity",
            FactorInputs.Fundamentals, static (c, t, i) => c.ReturnOnEquity(t, i))
        {
            PointInTime = "compustat niq and ceqq of the four latest quarters known on the rebalance date (all within 366 days)",
        },
        new("momentum", "12-1 month momentum: sum of daily log returns from 12 months to 1 month before the rebalance date (the last month skipped)",
            FactorInputs.Returns, static (c, t, i) => c.Momentum(t, i))
        {
            PointInTime = "daily returns up to the previous month end; at least 80% of the window's sessions",
        },
        new("low_vol", "low volatility: minus the log standard deviation of daily returns in excess of the stock's industry (market when industries are unknown), 252 sessions, orthogonalised to size",
            FactorInputs.Returns, static (c, t, i) => c.NegativeLogResidualVolatility(t, i))
        {
            OrthogonalToSize = true,
            PointInTime = "daily returns of the 252 sessions ending at the rebalance close; at least 60 of them",
        },
        new("beta", "slope of daily returns on the cap-weighted market return over 252 sessions",
            FactorInputs.Returns, static (c, t, i) => c.Beta(t, i))
        {
            PointInTime = "daily returns of the 252 sessions ending at the rebalance close; at least 120 of them",
        },
        new("liquidity", "log of mean daily share turnover (volume / shares outstanding) over 63 sessions",
            FactorInputs.Turnover, static (c, t, i) => c.LogTurnover(t, i))
        {
            PointInTime = "volume and shares outstanding of the 63 sessions ending at the rebalance close; at least 40 of them",
        },
    ];

    /// <summary>The style factors planted in the synthetic market, in its order.</summary>
    public static IReadOnlyList<string> PlantedStyles { get; } = ["size", "value", "momentum", "quality", "low_vol"];

    public static FactorDefinition Get(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal))
        ?? throw new ArgumentException($"Unknown factor '{name}'; known: {string.Join(", ", All.Select(d => d.Name))}.", nameof(name));

    /// <summary>Whether the panel has what a definition needs.</summary>
    public static bool Supported(FactorDefinition definition, EquityPanel panel)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(panel);
        return (!definition.Inputs.HasFlag(FactorInputs.Fundamentals) || panel.HasFundamentals)
            && (!definition.Inputs.HasFlag(FactorInputs.MarketCap) || panel.HasMarketCap)
            && (!definition.Inputs.HasFlag(FactorInputs.Turnover) || panel.HasMarketCap)
            && (!definition.Inputs.HasFlag(FactorInputs.Industries) || panel.HasIndustries);
    }
}
