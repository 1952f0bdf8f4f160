using Research.Core.Panels;

namespace Research.Analytics.Factors;

/// <summary>
/// Daily equity data as series on dense date x asset axes (<see cref="PanelAxes"/>: row-major <c>[t * Assets + i]</c>,
/// NaN = missing), the input of the factor builder and the risk model. Built from the warehouse's CRSP and Compustat datasets
/// (<see cref="EquityPanelLoader"/>) or from a plain prices file (<see cref="PricesCsvPanel"/>).
/// </summary>
public sealed class EquityPanel
{
    public EquityPanel(DateOnly[] dates, int[] ids, string[] labels, double[] returns, double[] marketCap, double[] dollarVolume, double[] turnover)
    {
        Axes = new PanelAxes(dates, ids);
        Axes.Require(returns, nameof(returns));
        Axes.Require(marketCap, nameof(marketCap));
        Axes.Require(dollarVolume, nameof(dollarVolume));
        Axes.Require(turnover, nameof(turnover));
        Labels = labels;
        Returns = returns;
        MarketCap = marketCap;
        DollarVolume = dollarVolume;
        Turnover = turnover;
        Names = new NameSpan[ids.Length][];
        Fundamentals = new QuarterlyFundamentals[ids.Length][];
        for (var i = 0; i < ids.Length; i++)
        {
            Names[i] = [];
            Fundamentals[i] = [];
        }
    }

    /// <summary>The sessions and assets every series here is laid out on.</summary>
    public PanelAxes Axes { get; }

    /// <summary>Trading sessions, ascending.</summary>
    public DateOnly[] Dates => Axes.Dates;

    /// <summary>Asset identifiers (CRSP PERMNO, or a sequence number for a prices file).</summary>
    public int[] Ids => Axes.Ids;

    /// <summary>A readable label per asset (ticker at the end of the panel).</summary>
    public string[] Labels { get; }

    /// <summary>Daily total return (decimal).</summary>
    public double[] Returns { get; }

    /// <summary>Market capitalisation at the close ($ thousands for CRSP); NaN when shares outstanding are unknown.</summary>
    public double[] MarketCap { get; }

    /// <summary>Traded dollar value on the day.</summary>
    public double[] DollarVolume { get; }

    /// <summary>Shares traded / shares outstanding; NaN when unknown.</summary>
    public double[] Turnover { get; }

    /// <summary>Per asset: name records (eligibility and industry over time), ascending by start.</summary>
    public NameSpan[][] Names { get; }

    /// <summary>Per asset: quarterly fundamentals in the order they became known.</summary>
    public QuarterlyFundamentals[][] Fundamentals { get; }

    public int Assets => Axes.Assets;

    public int Sessions => Axes.Sessions;

    /// <summary>Whether market caps are known (CRSP) or must be proxied (a prices-only file).</summary>
    public bool HasMarketCap { get; init; } = true;

    /// <summary>Whether industries are known.</summary>
    public bool HasIndustries { get; init; } = true;

    /// <summary>Whether point-in-time fundamentals are attached.</summary>
    public bool HasFundamentals { get; init; } = true;

    /// <summary>Where the data came from (dataset versions or file), for the record of a fit.</summary>
    public string Provenance { get; init; } = string.Empty;

    /// <summary>Index of the last session on or before <paramref name="date"/>, or -1.</summary>
    public int SessionOnOrBefore(DateOnly date) => Axes.SessionOnOrBefore(date);

    /// <summary>The name record of asset <paramref name="asset"/> in force on <paramref name="date"/>, or null.</summary>
    public NameSpan? NameOn(int asset, DateOnly date)
    {
        foreach (var span in Names[asset])
        {
            if (span.Start <= date && date <= span.End)
            {
                return span;
            }
        }

        return null;
    }

    /// <summary>Indexes of the last session of each calendar month, ascending.</summary>
    public int[] MonthEnds() => Axes.MonthEnds();
}

/// <summary>A period in which an asset carried one classification.</summary>
/// <param name="Start">First date (inclusive).</param>
/// <param name="End">Last date (inclusive).</param>
/// <param name="Eligible">Common stock on a major exchange (CRSP share code 10/11, exchange code 1-3).</param>
/// <param name="Industry">Fama-French 10 industry index (0-9), or -1 when unknown.</param>
public sealed record NameSpan(DateOnly Start, DateOnly End, bool Eligible, int Industry);

/// <summary>One fiscal quarter as it became known.</summary>
/// <param name="Known">First date the numbers could be used (report date, or period end + 90 days).</param>
/// <param name="PeriodEnd">Fiscal quarter end (<c>datadate</c>).</param>
/// <param name="BookEquity">Common equity (<c>ceqq</c>, $ millions).</param>
/// <param name="NetIncome">Net income of the quarter (<c>niq</c>, $ millions).</param>
/// <param name="Sales">Revenue of the quarter (<c>saleq</c>, $ millions; NaN when missing).</param>
/// <param name="CostOfGoodsSold">Cost of goods sold (<c>cogsq</c>, $ millions; NaN when missing).</param>
public sealed record QuarterlyFundamentals(DateOnly Known, DateOnly PeriodEnd, double BookEquity, double NetIncome, double Sales, double CostOfGoodsSold);
