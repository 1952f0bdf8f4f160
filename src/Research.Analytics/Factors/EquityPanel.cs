namespace Research.Analytics.Factors;

/// <summary>
/// Daily equity data as dense dates x assets arrays (row-major: <c>[t * Assets + i]</c>, NaN = missing), the
/// input of the factor builder and the risk model. Built from the warehouse's CRSP and Compustat datasets
/// (<see cref="EquityPanelLoader"/>) or from a plain prices file (<see cref="PricesCsvPanel"/>).
/// </summary>
public sealed class EquityPanel
{
    public EquityPanel(DateOnly[] dates, int[] ids, string[] labels, double[] returns, double[] marketCap, double[] dollarVolume, double[] turnover)
    {
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(ids);
        var cells = dates.Length * ids.Length;
        if (returns.Length != cells || marketCap.Length != cells || dollarVolume.Length != cells || turnover.Length != cells)
        {
            throw new ArgumentException($"panel arrays must hold {dates.Length} dates x {ids.Length} assets = {cells} cells.");
        }

        Dates = dates;
        Ids = ids;
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

    /// <summary>Trading sessions, ascending.</summary>
    public DateOnly[] Dates { get; }

    /// <summary>Asset identifiers (CRSP PERMNO, or a sequence number for a prices file).</summary>
    public int[] Ids { get; }

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

    public int Assets => Ids.Length;

    public int Sessions => Dates.Length;

    /// <summary>Whether market caps are known (CRSP) or must be proxied (a prices-only file).</summary>
    public bool HasMarketCap { get; init; } = true;

    /// <summary>Whether industries are known.</summary>
    public bool HasIndustries { get; init; } = true;

    /// <summary>Whether point-in-time fundamentals are attached.</summary>
    public bool HasFundamentals { get; init; } = true;

    /// <summary>Where the data came from (dataset versions or file), for the record of a fit.</summary>
    public string Provenance { get; init; } = string.Empty;

    /// <summary>An array of <paramref name="cells"/> missing values (NaN), the empty state of every panel series.</summary>
    public static double[] Missing(int cells)
    {
        var array = new double[cells];
        Array.Fill(array, double.NaN);
        return array;
    }

    /// <summary>Index of the last session on or before <paramref name="date"/>, or -1.</summary>
    public int SessionOnOrBefore(DateOnly date)
    {
        var index = Array.BinarySearch(Dates, date);
        return index >= 0 ? index : ~index - 1;
    }

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
    public int[] MonthEnds()
    {
        var ends = new List<int>();
        for (var t = 0; t < Dates.Length; t++)
        {
            if (t == Dates.Length - 1 || Dates[t + 1].Month != Dates[t].Month)
            {
                ends.Add(t);
            }
        }

        return [.. ends];
    }
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
