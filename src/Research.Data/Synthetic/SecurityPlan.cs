namespace Research.Data.Synthetic;

/// <summary>How a security leaves the market.</summary>
public enum DelistingKind
{
    /// <summary>Still listed at the end of the simulation.</summary>
    None,

    /// <summary>Dropped for poor performance (CRSP 500-series codes), usually with a large negative delisting return.</summary>
    Performance,

    /// <summary>Acquired (CRSP 200-series codes), with a small positive delisting return.</summary>
    Merger,
}

/// <summary>
/// Everything about one synthetic security that is drawn before its price path: identifiers, industry,
/// listing span and how it ends, splits, ticker and name changes, dividends, fiscal calendar and earnings
/// surprises. Drawing these first keeps CRSP's backward-looking adjustment factors (<c>cfacpr</c>) exact
/// while the panel is written one year at a time.
/// </summary>
internal sealed class SecurityPlan
{
    public required int Index { get; init; }

    public required int Permno { get; init; }

    public required int Permco { get; init; }

    public required string? Gvkey { get; init; }

    public required int LinkStartSession { get; init; }

    public required string LinkType { get; init; }

    public required int Industry { get; init; }

    public required int Exchcd { get; init; }

    public required int Shrcd { get; init; }

    /// <summary>Session index of the first row in the daily panel.</summary>
    public required int FirstSession { get; init; }

    /// <summary>Session index of the last row in the daily panel.</summary>
    public required int LastSession { get; init; }

    /// <summary>Date the security was first listed (before the sample for securities alive at its start).</summary>
    public required DateOnly ListingDate { get; init; }

    public required DelistingKind Delisting { get; init; }

    public required int DelistingCode { get; init; }

    public required double? DelistingReturn { get; init; }

    /// <summary>Split ratio (new shares per old share) by session index of the ex-date.</summary>
    public required IReadOnlyDictionary<int, double> Splits { get; init; }

    /// <summary>Name history: (first session index, ticker, company name); the first entry starts at <see cref="FirstSession"/>.</summary>
    public required IReadOnlyList<(int Session, string Ticker, string Name)> Names { get; init; }

    /// <summary>Quarterly dividend yield on ex-dates, by session index.</summary>
    public required IReadOnlyDictionary<int, double> Dividends { get; init; }

    /// <summary>Fiscal year-end month (1..12).</summary>
    public required int FiscalYearEndMonth { get; init; }

    /// <summary>Planted standardized unexpected earnings by report session index.</summary>
    public required IReadOnlyDictionary<int, double> EarningsSurprises { get; init; }

    /// <summary>Report (rdq) session index by fiscal quarter-end date.</summary>
    public required IReadOnlyDictionary<DateOnly, int> ReportSessions { get; init; }

    public required double SpecificVol { get; init; }

    public required double InitialPrice { get; init; }

    /// <summary>Shares outstanding at the first session, thousands.</summary>
    public required double InitialShares { get; init; }

    public required double[] InitialStyles { get; init; }

    public required double Leverage { get; init; }

    public required double AssetTurnover { get; init; }

    public required double Turnover { get; init; }

    public required bool Illiquid { get; init; }

    /// <summary>CRSP cumulative price adjustment factor at the first session (product of all split ratios).</summary>
    public double InitialAdjustmentFactor => Splits.Values.Aggregate(1.0, (a, r) => a * r);
}
