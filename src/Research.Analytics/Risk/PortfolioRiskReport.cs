using Research.Core.Calendars;
using Research.Data.Warehouse;

namespace Research.Analytics.Risk;

/// <summary>
/// A portfolio's forecast risk on a date, as <c>research risk report</c> prints it. Built in steps:
/// <list type="number">
/// <item>The stored forecast (the latest on or before the date) restricted to the portfolio's stocks gives Σ = B F Bᵀ +
/// diag(s); <see cref="PortfolioRisk.Decompose"/> splits σ = sqrt(wᵀΣw) into factor and specific parts and Euler
/// components by factor and by position.</item>
/// <item>Parametric one-day VaR and ES at the confidence level, normal with zero mean: <see cref="PortfolioRisk.Parametric"/>.</item>
/// <item>Historical VaR and ES of the systematic part only: the portfolio's exposures x applied to the stored daily factor
/// returns, x·f_t, over the last <see cref="HistoryDays"/> days within <see cref="HistoryLookbackYears"/> years before the
/// forecast date (at least <see cref="MinimumHistoryDays"/>, else omitted). Specific returns are not stored, so this
/// understates the risk of a concentrated book; the report says "systematic".</item>
/// <item>With a benchmark, ex-ante tracking error: the decomposition of the active weights w − w_b over the union of both
/// books' stocks (matched by PERMNO, so a ticker and its PERMNO are one stock), annualised with
/// <see cref="Annualisation.VolatilityScale"/>.</item>
/// </list>
/// All volatilities are daily decimals unless named annualised.
/// </summary>
public sealed record PortfolioRiskReport(
    DateOnly ForecastDate,
    string FitId,
    RiskDecomposition Risk,
    IReadOnlyList<FactorRiskLine> ByFactor,
    IReadOnlyList<AssetRiskLine> ByAsset,
    double Confidence,
    double ParametricValueAtRisk,
    double ParametricExpectedShortfall,
    HistoricalRisk? Historical,
    TrackingErrorSummary? TrackingError)
{
    /// <summary>Days of factor returns in the historical VaR (the most recent ones).</summary>
    public const int HistoryDays = 500;

    /// <summary>Fewer stored days than this: no historical VaR.</summary>
    public const int MinimumHistoryDays = 20;

    /// <summary>How far back factor returns are read for the historical VaR.</summary>
    public const int HistoryLookbackYears = 3;

    /// <summary>Reads the factor-return history from <paramref name="session"/> and builds the report (steps 1-4).</summary>
    public static PortfolioRiskReport Load(WarehouseQuerySession session, StoredForecast stored, IReadOnlyList<PortfolioHolding> holdings, IReadOnlyList<PortfolioHolding>? benchmark, double confidence)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var (dates, returns) = RiskModelStore.FactorReturns(session, stored.Date.AddYears(-HistoryLookbackYears), stored.Date);
        return Build(stored, holdings, benchmark, dates, returns, confidence);
    }

    /// <summary>The report from a forecast and a factor-return history (dates ascending, one row of factor returns per date).</summary>
    public static PortfolioRiskReport Build(StoredForecast stored, IReadOnlyList<PortfolioHolding> holdings, IReadOnlyList<PortfolioHolding>? benchmark, DateOnly[] historyDates, double[][] factorReturns, double confidence)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(holdings);
        ArgumentNullException.ThrowIfNull(historyDates);
        ArgumentNullException.ThrowIfNull(factorReturns);
        RequireDistinct(holdings, "portfolio");
        if (benchmark is not null)
        {
            RequireDistinct(benchmark, "benchmark");
        }

        var risk = PortfolioRisk.Decompose(stored.FactorModel([.. holdings.Select(h => h.Permno)]), [.. holdings.Select(h => h.Weight)]);
        var (var1, es1) = PortfolioRisk.Parametric(risk.Volatility, 0, confidence);
        var byFactor = stored.Factors.Select((f, k) => new FactorRiskLine(f, risk.Exposures[k], risk.ComponentByFactor[k])).ToList();
        var byAsset = holdings.Select((h, i) => new AssetRiskLine(h.Asset, h.Permno, h.Weight, risk.MarginalByAsset[i], risk.ComponentByAsset[i])).ToList();
        return new PortfolioRiskReport(stored.Date, stored.FitId, risk, byFactor, byAsset, confidence, var1, es1,
            Systematic(historyDates, factorReturns, risk.Exposures, confidence), benchmark is null ? null : Tracking(stored, holdings, benchmark));
    }

    /// <summary>
    /// Refuses a book that lists one security twice (a ticker and its PERMNO, or the same name twice): each line would get
    /// its own marginal risk, and which weight was meant is the user's to say.
    /// </summary>
    private static void RequireDistinct(IReadOnlyList<PortfolioHolding> book, string what)
    {
        var twice = book.GroupBy(h => h.Permno).Where(g => g.Count() > 1).Select(g => $"{string.Join(" and ", g.Select(h => h.Asset))} are PERMNO {g.Key}").ToList();
        if (twice.Count > 0)
        {
            throw new ArgumentException($"{what}: the same security is listed more than once ({string.Join("; ", twice)}); list each once with its total weight.");
        }
    }

    private static HistoricalRisk? Systematic(DateOnly[] dates, double[][] factorReturns, double[] exposures, double confidence)
    {
        if (SystematicSeries(dates, factorReturns, exposures) is not { } series)
        {
            return null;
        }

        var (var1, es1) = PortfolioRisk.Historical(series, confidence);
        return new HistoricalRisk(var1, es1, series.Length, dates[^series.Length], dates[^1]);
    }

    /// <summary>The systematic returns x·f_t of the last <see cref="HistoryDays"/> days (null below <see cref="MinimumHistoryDays"/>).</summary>
    internal static double[]? SystematicSeries(DateOnly[] dates, double[][] factorReturns, double[] exposures)
    {
        var take = Math.Min(HistoryDays, dates.Length);
        if (take < MinimumHistoryDays)
        {
            return null;
        }

        var first = dates.Length - take;
        var series = new double[take];
        for (var t = 0; t < take; t++)
        {
            var f = factorReturns[first + t];
            for (var k = 0; k < exposures.Length; k++)
            {
                series[t] += exposures[k] * f[k];
            }
        }

        return series;
    }

    private static TrackingErrorSummary Tracking(StoredForecast stored, IReadOnlyList<PortfolioHolding> holdings, IReadOnlyList<PortfolioHolding> benchmark)
    {
        var permnos = holdings.Select(h => h.Permno).Concat(benchmark.Select(b => b.Permno)).Distinct().ToArray();
        var w = permnos.Select(p => holdings.Where(h => h.Permno == p).Sum(h => h.Weight)).ToArray();
        var b = permnos.Select(p => benchmark.Where(h => h.Permno == p).Sum(h => h.Weight)).ToArray();
        var te = PortfolioRisk.TrackingError(stored.FactorModel(permnos), w, b);
        return new TrackingErrorSummary(te.Volatility, Annualisation.Volatility(te.Volatility), te.FactorVolatility, te.SpecificVolatility);
    }
}
