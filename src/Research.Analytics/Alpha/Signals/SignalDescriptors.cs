using Research.Analytics.Factors;

namespace Research.Analytics.Alpha.Signals;

/// <summary>
/// One raw cross-sectional input a signal combines: computed for asset i at session t from what was known at t's close
/// (<see cref="Compute"/>), or read from the warehouse as a panel (<see cref="External"/>, e.g. the synthetic market's
/// planted alpha).
/// </summary>
/// <param name="Name">Snake-case name used in signal definitions.</param>
/// <param name="Formula">The formula in words (shown by <c>research alpha list</c> and in the docs).</param>
/// <param name="Inputs">What the panel must have.</param>
/// <param name="Compute">The raw value, NaN when it cannot be computed; null for an external descriptor.</param>
public sealed record SignalDescriptor(string Name, string Formula, FactorInputs Inputs, Func<DescriptorContext, int, int, double>? Compute)
{
    /// <summary>Read from the warehouse, not computed from the panel.</summary>
    public bool External => Compute is null;
}

/// <summary>The descriptors a signal definition may name.</summary>
public static class SignalDescriptors
{
    /// <summary>The synthetic market's planted alpha score (<c>truth/alpha</c>), an external descriptor.</summary>
    public const string PlantedAlpha = "planted_alpha";

    public static IReadOnlyList<SignalDescriptor> All { get; } =
    [
        new("momentum_12_1", "sum of daily log returns from 12 months to 1 month before the date (the last month skipped; 80% of the window observed)",
            FactorInputs.Returns, static (c, t, i) => c.Momentum(t, i)),
        new("reversal_21", "minus the compounded return of the last 21 sessions, t included (80% observed)",
            FactorInputs.Returns, static (c, t, i) => c.ShortTermReversal(t, i)),
        new("book_to_price", "log(book equity / market equity) at the latest reported quarter's end",
            FactorInputs.Fundamentals | FactorInputs.MarketCap, static (c, t, i) => c.LogBookToMarket(t, i)),
        new("earnings_yield", "net income of the last four reported quarters over the market cap at t's close",
            FactorInputs.Fundamentals | FactorInputs.MarketCap, static (c, t, i) => c.EarningsYield(t, i)),
        new("roe", "net income of the last four reported quarters over their mean book equity",
            FactorInputs.Fundamentals, static (c, t, i) => c.ReturnOnEquity(t, i)),
        new("gross_margin", "(sales - cost of goods sold) / sales over the last four reported quarters (gross profitability without total assets, which quarterly data lacks here)",
            FactorInputs.Fundamentals, static (c, t, i) => c.GrossMargin(t, i)),
        new("low_vol", "minus the log standard deviation of daily returns in excess of the industry's, 252 sessions (at least 60)",
            FactorInputs.Returns, static (c, t, i) => c.NegativeLogResidualVolatility(t, i)),
        new("log_size", "log market cap at t's close (log mean dollar volume over 63 sessions without caps)",
            FactorInputs.Returns, static (c, t, i) => c.LogSize(t, i)),
        new("beta", "slope of daily returns on the cap-weighted market over 252 sessions (at least 120)",
            FactorInputs.Returns, static (c, t, i) => c.Beta(t, i)),
        new("sue", "standardised unexpected earnings: latest quarter's net income minus the same quarter a year before, over the sd of those differences in the 8 quarters before (at least 4); for 91 days after the report",
            FactorInputs.Fundamentals, static (c, t, i) => c.EarningsSurprise(t, i)),
        new(PlantedAlpha, "the synthetic market's planted alpha score at t's close (truth/alpha); it predicts t+1's specific return with the planted IC",
            FactorInputs.Returns, null),
    ];

    public static SignalDescriptor? Find(string name) => All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal));

    public static string Known => string.Join(", ", All.Select(d => d.Name));
}
