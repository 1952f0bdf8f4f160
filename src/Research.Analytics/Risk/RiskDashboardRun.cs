using System.Globalization;
using Research.Analytics.Factors;
using Research.Data.Warehouse;

namespace Research.Analytics.Risk;

/// <summary>
/// One risk dashboard over the stored model, from positions to numbers: what the risk page (through the risk grain) and
/// the <c>risk</c> report both run, so they agree by construction.
/// </summary>
/// <param name="Result">The dashboard's numbers.</param>
/// <param name="Holdings">The positions, resolved to PERMNOs on the forecast date.</param>
/// <param name="Names">Ticker and name of the first positions on the forecast date (when crsp/names is in the warehouse).</param>
/// <param name="BenchmarkName">How the benchmark is described.</param>
/// <param name="Conventions">The conventions the numbers follow, as sentences.</param>
/// <param name="DataVersions">The dataset versions read (the risk/* fit and crsp/names).</param>
public sealed record RiskDashboardRun(
    RiskDashboardResult Result,
    IReadOnlyList<PortfolioHolding> Holdings,
    IReadOnlyDictionary<(int Permno, DateOnly Date), (string? Ticker, string? Name)> Names,
    string BenchmarkName,
    IReadOnlyList<string> Conventions,
    IReadOnlyDictionary<string, string> DataVersions)
{
    /// <summary>Why there is no dashboard to run (a risk/* dataset missing), or null.</summary>
    public static string? Missing(WarehouseLayout layout)
    {
        var catalog = new WarehouseCatalog(layout);
        var missing = RiskModelStore.Datasets.Where(d => catalog.ReadCurrent(d) is null).ToList();
        return missing.Count == 0 ? null : $"No stored risk model in the warehouse ({string.Join(", ", missing)} missing): fit one with 'research risk fit'.";
    }

    /// <summary>The risk/* datasets (one fit, checked) and crsp/names when present, at their current versions.</summary>
    public static WarehouseQuerySession Open(WarehouseLayout layout, TimeProvider clock)
    {
        var catalog = new WarehouseCatalog(layout);
        List<string> datasets = [.. RiskModelStore.Datasets, .. catalog.ReadCurrent("crsp/names") is null ? [] : (string[])["crsp/names"]];
        var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, clock, datasets);
        try
        {
            RiskModelStore.RequireConsistentFit(session);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs the dashboard for <paramref name="rows"/> (asset = PERMNO or ticker, weight) on the forecast at or before
    /// <paramref name="date"/> (default: the latest), against <paramref name="benchmark"/> (none, market: the model
    /// universe cap-weighted, upload: <paramref name="benchmarkRows"/>).
    /// </summary>
    public static RiskDashboardRun Of(WarehouseQuerySession session, IReadOnlyList<(string Asset, double Weight)> rows, DateOnly? date, string benchmark,
        IReadOnlyList<(string Asset, double Weight)>? benchmarkRows, RiskDashboardSettings settings, int names)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(settings);
        var (first, last) = RiskModelStore.Coverage(session);
        var stored = RiskModelStore.LoadAt(session, date ?? last);
        var holdings = Resolve(rows, session, stored.Date);
        var bench = benchmark switch
        {
            "market" => RiskDashboard.CapWeighted(FactorExposuresStore.LoadAt(session, "risk/exposures", stored.Date), stored),
            "upload" => Resolve(benchmarkRows ?? throw new ArgumentException("benchmark: upload one."), session, stored.Date),
            "none" => null,
            _ => throw new ArgumentException($"benchmark: '{benchmark}' is not none, market or upload."),
        };
        var (dates, returns) = RiskModelStore.FactorReturns(session, first, last);
        var result = RiskDashboard.Build(stored, holdings, bench, dates, returns, settings);
        var tickers = session.Pinned.ContainsKey("crsp/names")
            ? new Research.Data.Providers.Crsp.CrspProvider(session).NamesOn([.. holdings.Take(names).Select(h => (h.Permno, stored.Date))])
            : new Dictionary<(int, DateOnly), (string?, string?)>();
        return new RiskDashboardRun(result, holdings, tickers, BenchmarkLabel(benchmark, bench?.Count), Describe(result.Report, settings, holdings.Length),
            session.Pinned.ToDictionary(p => p.Key, p => p.Value.VersionId, StringComparer.Ordinal));
    }

    /// <summary>How a benchmark choice is described.</summary>
    public static string BenchmarkLabel(string benchmark, int? stocks) => benchmark switch
    {
        "market" => "cap-weighted model universe" + (stocks is { } n ? $" ({n} stocks)" : string.Empty),
        "upload" => "uploaded benchmark",
        _ => "none",
    };

    private static PortfolioHolding[] Resolve(IReadOnlyList<(string Asset, double Weight)> rows, WarehouseQuerySession session, DateOnly date)
    {
        var permnos = PortfolioText.Resolve(rows, session, date);
        return [.. rows.Select((r, i) => new PortfolioHolding(r.Asset, permnos[i], r.Weight))];
    }

    private static string[] Describe(PortfolioRiskReport report, RiskDashboardSettings settings, int positions) =>
    [
        $"Forecast of {report.ForecastDate:yyyy-MM-dd} (fit {report.FitId}) for {positions} position(s); weights are fractions of capital.",
        "Volatilities and contributions are daily; annualised figures multiply by √252. Euler contributions sum to the total volatility.",
        "VaR and ES: one day, zero expected return, losses as positive fractions of capital.",
        "parametric: normal, VaR = zσ, ES = σφ(z)/(1 − c).",
        report.Historical is { } h
            ? $"historical-systematic: the portfolio's exposures times the stored factor returns of {h.Days} days ({h.From:yyyy-MM-dd} to {h.To:yyyy-MM-dd}); specific returns are not stored, so it understates a concentrated book."
            : $"historical-systematic: omitted, fewer than {PortfolioRiskReport.MinimumHistoryDays} days of factor returns before the forecast.",
        string.Create(CultureInfo.InvariantCulture, $"monte-carlo: {settings.MonteCarloPaths:N0} paths, seed {settings.Seed}, ") +
            (settings.DegreesOfFreedom == 0 ? "normal factor and specific draws." : $"Student-t with {settings.DegreesOfFreedom} degrees of freedom (multivariate for the factors, one specific shock), scaled to the model's variances."),
        "Stress: the systematic P&L at today's exposures; a historical window sums the model's daily factor returns over it; a shock moves the other factors by their expectation given it.",
        "Budgets: |active exposure| against the limit of the most specific pattern; industries in weight, styles in cross-sectional standard deviations; breached above 100%.",
    ];
}
