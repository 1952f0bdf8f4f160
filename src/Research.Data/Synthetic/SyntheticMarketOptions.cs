namespace Research.Data.Synthetic;

/// <summary>What the synthetic market generator makes. Same options (seed included) give byte-identical files.</summary>
public sealed record SyntheticMarketOptions
{
    /// <summary>Securities listed on the first session (new listings and delistings keep the count near this).</summary>
    public int Stocks { get; init; } = 1000;

    /// <summary>Calendar years simulated, ending with <see cref="EndYear"/>.</summary>
    public int Years { get; init; } = 10;

    /// <summary>Last calendar year simulated.</summary>
    public int EndYear { get; init; } = 2024;

    /// <summary>Master seed.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>
    /// Planted information coefficient of the alpha score: the expected cross-sectional Pearson correlation
    /// between the score at the close of day t and the specific return of day t+1 divided by the stock's
    /// specific volatility (a risk-adjusted IC in the sense of Grinold and Kahn).
    /// </summary>
    public double AlphaIc { get; init; } = 0.03;

    /// <summary>Daily AR(1) persistence of the alpha score.</summary>
    public double AlphaPersistence { get; init; } = 0.95;

    /// <summary>Securities with intraday trades and quotes (the largest by market cap at the end).</summary>
    public int IntradaySymbols { get; init; } = 3;

    /// <summary>Number of final sessions with intraday trades and quotes.</summary>
    public int IntradayDays { get; init; } = 2;

    /// <summary>
    /// Mean size of an intraday trade in shares (default 200). The day's volume is kept, so a larger size means fewer
    /// trades (and quotes, refreshed at twice the trade rate): long runs of ticks for tests and demos stay small.
    /// </summary>
    public int IntradayTradeSize { get; init; } = 200;

    /// <summary>First calendar year simulated.</summary>
    public int StartYear => EndYear - Years + 1;

    /// <summary>Throws when an option is out of range, naming it.</summary>
    public void Validate()
    {
        if (Stocks is < 10 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Stocks), Stocks, "stocks must be between 10 and 100000.");
        }

        if (Years is < 1 or > 60)
        {
            throw new ArgumentOutOfRangeException(nameof(Years), Years, "years must be between 1 and 60.");
        }

        if (StartYear < 1964 || EndYear > 2100)
        {
            throw new ArgumentOutOfRangeException(nameof(EndYear), EndYear, $"simulated years {StartYear}..{EndYear} must lie within 1964..2100.");
        }

        if (AlphaIc is < 0 or >= 0.5)
        {
            throw new ArgumentOutOfRangeException(nameof(AlphaIc), AlphaIc, "alpha IC must be in [0, 0.5).");
        }

        if (AlphaPersistence is < 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(AlphaPersistence), AlphaPersistence, "alpha persistence must be in [0, 1).");
        }

        if (IntradaySymbols < 0 || IntradayDays < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IntradaySymbols), "intraday symbol and day counts must not be negative.");
        }

        if (IntradayTradeSize is < 100 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(IntradayTradeSize), IntradayTradeSize, "the mean intraday trade size must be between 100 and 1,000,000 shares.");
        }
    }
}
