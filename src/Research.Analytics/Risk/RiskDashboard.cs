using System.Globalization;
using Research.Analytics.Factors;

namespace Research.Analytics.Risk;

/// <summary>A limit on the absolute active exposure to the factors a pattern names: a factor (<c>value</c>), a prefix (<c>ind_*</c>) or every factor (<c>*</c>).</summary>
public sealed record RiskBudget(string Pattern, double Limit);

/// <summary>A factor's exposure: the portfolio's x = Bᵀw, the benchmark's, and the active difference (industries in weight, styles in cross-sectional standard deviations).</summary>
public sealed record ExposureLine(string Factor, bool Industry, double Portfolio, double Benchmark, double Active);

/// <summary>A factor's budget: |active| against the limit of the most specific pattern that names it; utilisation = |active| / limit, breached above 1.</summary>
public sealed record BudgetLine(string Factor, bool Industry, double Active, double Limit, string Pattern, double Utilisation)
{
    public bool Breached => Utilisation > 1;
}

/// <summary>One-day VaR and expected shortfall by one method at one confidence, as positive fractions of capital.</summary>
public sealed record RiskMeasure(string Method, double Confidence, double ValueAtRisk, double ExpectedShortfall);

/// <summary>A stress scenario's outcome, or why it could not be run (a window the model's history does not cover).</summary>
public sealed record ScenarioOutcome(string Name, string Description, StressResult? Result, string? Unavailable);

/// <summary>What the dashboard computes besides the decomposition: confidences, Monte Carlo, shocks and budgets.</summary>
public sealed record RiskDashboardSettings
{
    public IReadOnlyList<double> Confidences { get; init; } = [0.95, 0.99];

    public int MonteCarloPaths { get; init; } = 100_000;

    /// <summary>Student-t degrees of freedom of the Monte Carlo draws; 0 for normal.</summary>
    public int DegreesOfFreedom { get; init; } = 5;

    public ulong Seed { get; init; } = 42;

    /// <summary>Hypothetical shocks (factor → move), applied as one scenario with propagation to the other factors.</summary>
    public IReadOnlyDictionary<string, double> Shocks { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal) { ["market"] = -0.10 };

    public IReadOnlyList<RiskBudget> Budgets { get; init; } = DefaultBudgets;

    /// <summary>Industries within ±10% of capital of the benchmark; every other factor within ±0.5 (half a cross-sectional standard deviation for a style).</summary>
    public static IReadOnlyList<RiskBudget> DefaultBudgets { get; } = [new("ind_*", 0.10), new("*", 0.5)];
}

/// <summary>The risk dashboard's numbers for one portfolio on one forecast date.</summary>
/// <param name="Report">Decomposition, parametric and historical VaR at the first confidence, and tracking error: exactly what <c>research risk report</c> prints.</param>
/// <param name="Exposures">Portfolio, benchmark and active exposure per factor.</param>
/// <param name="Measures">VaR and ES by method (parametric, historical-systematic, monte-carlo) and confidence.</param>
/// <param name="Scenarios">Named historical windows and the hypothetical shock.</param>
/// <param name="Budgets">Every factor's budget line, largest utilisation first.</param>
public sealed record RiskDashboardResult(
    PortfolioRiskReport Report,
    IReadOnlyList<ExposureLine> Exposures,
    IReadOnlyList<RiskMeasure> Measures,
    IReadOnlyList<ScenarioOutcome> Scenarios,
    IReadOnlyList<BudgetLine> Budgets);

/// <summary>
/// The risk dashboard, built from a stored forecast: <see cref="PortfolioRiskReport"/> for the decomposition (so the
/// page and <c>research risk report</c> give the same numbers), VaR and ES at every confidence by three methods (normal
/// parametric; historical on the systematic returns x·f_t of the last <see cref="PortfolioRiskReport.HistoryDays"/>
/// stored days; Monte Carlo by <see cref="MonteCarloRisk"/>), the named historical scenarios and a hypothetical shock of
/// <see cref="StressTest"/> at today's exposures, and risk budgets on the active exposures. Conventions: one day, zero
/// expected return, losses as positive fractions of capital.
/// </summary>
public static class RiskDashboard
{
    /// <summary>Methods in <see cref="RiskMeasure.Method"/>.</summary>
    public const string Parametric = "parametric", Historical = "historical-systematic", MonteCarlo = "monte-carlo";

    /// <summary>
    /// Builds the dashboard. <paramref name="historyDates"/> and <paramref name="factorReturns"/> are the model's whole
    /// factor-return history (the scenarios need it); the historical VaR uses the part within
    /// <see cref="PortfolioRiskReport.HistoryLookbackYears"/> years up to the forecast date, as the report does.
    /// </summary>
    public static RiskDashboardResult Build(
        StoredForecast stored, IReadOnlyList<PortfolioHolding> holdings, IReadOnlyList<PortfolioHolding>? benchmark,
        DateOnly[] historyDates, double[][] factorReturns, RiskDashboardSettings settings)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(holdings);
        ArgumentNullException.ThrowIfNull(historyDates);
        ArgumentNullException.ThrowIfNull(factorReturns);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Confidences.Count == 0 || settings.Confidences.Any(c => !(c >= 0.5 && c < 1)))
        {
            throw new ArgumentException("confidences: give at least one, each from 0.5 to below 1 (e.g. 0.95).");
        }

        var from = stored.Date.AddYears(-PortfolioRiskReport.HistoryLookbackYears);
        var inWindow = Enumerable.Range(0, historyDates.Length).Where(t => historyDates[t] >= from && historyDates[t] <= stored.Date).ToArray();
        var windowDates = inWindow.Select(t => historyDates[t]).ToArray();
        var windowReturns = inWindow.Select(t => factorReturns[t]).ToArray();
        var report = PortfolioRiskReport.Build(stored, holdings, benchmark, windowDates, windowReturns, settings.Confidences[0]);

        var benchmarkExposures = new double[stored.Factors.Count];
        if (benchmark is { Count: > 0 })
        {
            benchmarkExposures = PortfolioRisk.Decompose(stored.FactorModel([.. benchmark.Select(b => b.Permno)]), [.. benchmark.Select(b => b.Weight)]).Exposures;
        }

        var exposures = stored.Factors.Select((f, k) => new ExposureLine(f, IsIndustry(f), report.Risk.Exposures[k], benchmarkExposures[k], report.Risk.Exposures[k] - benchmarkExposures[k])).ToList();
        var model = stored.FactorModel([.. holdings.Select(h => h.Permno)]);
        var weights = holdings.Select(h => h.Weight).ToArray();
        return new RiskDashboardResult(report, exposures, Measures(report, model, weights, windowDates, windowReturns, settings),
            Scenarios(stored, model, weights, historyDates, factorReturns, settings), Budgets(exposures, settings.Budgets));
    }

    /// <summary>The cap-weighted benchmark of every stock the forecast covers (weights from the exposures' size base, the market cap).</summary>
    public static IReadOnlyList<PortfolioHolding> CapWeighted(StoredSnapshot snapshot, StoredForecast stored)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(stored);
        var weights = ExposureHistory.CapWeights(snapshot with { Stocks = [.. snapshot.Stocks.Where(s => stored.Loadings.ContainsKey(s.Permno) && stored.SpecificVariance.ContainsKey(s.Permno))] });
        if (weights.Count == 0)
        {
            throw new ArgumentException($"The risk model of {stored.Date:yyyy-MM-dd} has no stock with a market cap to weight a benchmark by.");
        }

        return [.. weights.OrderBy(p => p.Key).Select(p => new PortfolioHolding(p.Key.ToString(CultureInfo.InvariantCulture), p.Key, p.Value))];
    }

    /// <summary>Whether a factor is an industry (its exposure is a weight).</summary>
    public static bool IsIndustry(string factor) => factor.StartsWith("ind_", StringComparison.Ordinal);

    /// <summary>
    /// The budget of every factor: the limit of the most specific pattern naming it (an exact name, then the longest
    /// prefix, then <c>*</c>); factors no pattern names have no line. Largest utilisation first.
    /// </summary>
    public static IReadOnlyList<BudgetLine> Budgets(IReadOnlyList<ExposureLine> exposures, IReadOnlyList<RiskBudget> budgets)
    {
        ArgumentNullException.ThrowIfNull(exposures);
        ArgumentNullException.ThrowIfNull(budgets);
        foreach (var b in budgets)
        {
            if (string.IsNullOrWhiteSpace(b.Pattern) || (b.Pattern.Contains('*', StringComparison.Ordinal) && !b.Pattern.EndsWith('*')) || b.Pattern.Count(c => c == '*') > 1)
            {
                throw new ArgumentException($"budget '{b.Pattern}': name a factor, a prefix ending in '*' (ind_*), or '*'.");
            }

            if (!(b.Limit > 0) || !double.IsFinite(b.Limit))
            {
                throw new ArgumentException($"budget '{b.Pattern}': the limit must be a positive number, not {b.Limit.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        var factors = exposures.Select(e => e.Factor).ToHashSet(StringComparer.Ordinal);
        var unknown = budgets.FirstOrDefault(b => !b.Pattern.EndsWith('*') && !factors.Contains(b.Pattern));
        if (unknown is not null)
        {
            throw new ArgumentException($"budget '{unknown.Pattern}': no such factor; the model's factors: {string.Join(", ", factors)}.");
        }

        var lines = new List<BudgetLine>();
        foreach (var e in exposures)
        {
            var budget = budgets.FirstOrDefault(b => b.Pattern == e.Factor)
                ?? budgets.Where(b => b.Pattern.EndsWith('*') && e.Factor.StartsWith(b.Pattern[..^1], StringComparison.Ordinal)).OrderByDescending(b => b.Pattern.Length).FirstOrDefault();
            if (budget is not null)
            {
                lines.Add(new BudgetLine(e.Factor, e.Industry, e.Active, budget.Limit, budget.Pattern, Math.Abs(e.Active) / budget.Limit));
            }
        }

        return [.. lines.OrderByDescending(l => l.Utilisation).ThenBy(l => l.Factor, StringComparer.Ordinal)];
    }

    private static List<RiskMeasure> Measures(PortfolioRiskReport report, Optimization.FactorModelSpec model, double[] weights, DateOnly[] dates, double[][] factorReturns, RiskDashboardSettings settings)
    {
        var measures = new List<RiskMeasure>();
        var systematic = PortfolioRiskReport.SystematicSeries(dates, factorReturns, report.Risk.Exposures);
        var simulated = MonteCarloRisk.Simulate(model, weights, settings.MonteCarloPaths, settings.DegreesOfFreedom, settings.Seed);
        foreach (var c in settings.Confidences)
        {
            var (pv, pe) = PortfolioRisk.Parametric(report.Risk.Volatility, 0, c);
            measures.Add(new RiskMeasure(Parametric, c, pv, pe));
            if (systematic is not null)
            {
                var (hv, he) = PortfolioRisk.Historical(systematic, c);
                measures.Add(new RiskMeasure(Historical, c, hv, he));
            }

            var (mv, me) = PortfolioRisk.Historical(simulated, c);
            measures.Add(new RiskMeasure(MonteCarlo, c, mv, me));
        }

        return measures;
    }

    /// <summary>Sessions in the worst-window scenario: about a calendar month.</summary>
    public const int WorstWindowSessions = 21;

    /// <summary>
    /// The <see cref="WorstWindowSessions"/> consecutive sessions of the model's history in which today's exposures would
    /// have lost most (systematic P&amp;L summed over the window), replayed as a historical scenario: a stress that always
    /// runs, whatever years the model covers. Null when the history is shorter than the window.
    /// </summary>
    private static ScenarioOutcome? WorstWindow(StoredForecast stored, Optimization.FactorModelSpec model, double[] weights, DateOnly[] dates, double[][] factorReturns)
    {
        if (dates.Length < WorstWindowSessions)
        {
            return null;
        }

        var exposures = PortfolioRisk.Decompose(model, weights).Exposures;
        var daily = factorReturns.Select(f => f.Select((v, k) => v * exposures[k]).Sum()).ToArray();
        var (worstEnd, worstSum, sum) = (WorstWindowSessions - 1, double.PositiveInfinity, 0.0);
        for (var t = 0; t < daily.Length; t++)
        {
            sum += daily[t] - (t >= WorstWindowSessions ? daily[t - WorstWindowSessions] : 0);
            if (t >= WorstWindowSessions - 1 && sum < worstSum)
            {
                (worstEnd, worstSum) = (t, sum);
            }
        }

        var (from, to) = (dates[worstEnd - WorstWindowSessions + 1], dates[worstEnd]);
        var name = $"worst {WorstWindowSessions} sessions";
        return new ScenarioOutcome(name, $"the model's history {dates[0]:yyyy-MM-dd}..{dates[^1]:yyyy-MM-dd} searched for the {WorstWindowSessions} consecutive sessions worst for today's exposures: {from:yyyy-MM-dd}..{to:yyyy-MM-dd}",
            StressTest.Historical(name, stored.Factors, model, weights, dates, factorReturns, from, to), null);
    }

    private static List<ScenarioOutcome> Scenarios(StoredForecast stored, Optimization.FactorModelSpec model, double[] weights, DateOnly[] dates, double[][] factorReturns, RiskDashboardSettings settings)
    {
        var outcomes = new List<ScenarioOutcome>();
        foreach (var s in StressTest.Named)
        {
            try
            {
                outcomes.Add(new ScenarioOutcome(s.Name, s.Description, StressTest.Historical(s.Name, stored.Factors, model, weights, dates, factorReturns, s.From, s.To), null));
            }
            catch (ArgumentException e)
            {
                outcomes.Add(new ScenarioOutcome(s.Name, s.Description, null, e.Message));
            }
        }

        if (WorstWindow(stored, model, weights, dates, factorReturns) is { } worst)
        {
            outcomes.Add(worst);
        }

        if (settings.Shocks.Count > 0)
        {
            var result = StressTest.Hypothetical(stored.Factors, model, weights, settings.Shocks, propagate: true);
            outcomes.Add(new ScenarioOutcome(result.Scenario, "hypothetical shock; the other factors move by their expectation given it under the model covariance", result, null));
        }

        return outcomes;
    }
}
