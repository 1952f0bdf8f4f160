using Research.Core.Calendars;

namespace Research.Analytics.Attribution;

/// <summary>
/// Attribution of a daily return series to a Fama-French factor model (Fama and French 1993, 2015; Carhart 1997):
/// 1. Align: only dates with both a return and the model's factors count (the others are counted and reported).
/// 2. Regress the excess return r − rf on the factors with an intercept by OLS (<see cref="OlsFit"/>); alpha is the
///    intercept, per session; annualised alpha = daily alpha x <see cref="Annualisation.SessionsPerYear"/> (arithmetic,
///    not compounded); t-statistics use Newey-West errors with the stated lag.
/// 3. Contributions: each factor's loading x its mean return x sessions per year; with the annualised alpha they sum
///    to the mean annualised excess return exactly (OLS residuals have mean zero).
/// 4. Optional: rolling loadings over a window of sessions (each end date fits the window ending there); up- and
///    down-market betas (the market factor split by its sign, the other factors common); market timing by
///    Treynor and Mazuy (1966), r − rf = a + b·m + g·m², and Henriksson and Merton (1981), r − rf = a + b·m + g·max(m, 0),
///    m the market excess return; g > 0 with a significant t means timing ability.
/// </summary>
public static class ReturnAttribution
{
    /// <summary>The default Newey-West lag: 5 sessions (a week of daily data).</summary>
    public const int DefaultNeweyWestLags = 5;

    public static AttributionResult Run(IReadOnlyList<DateOnly> dates, IReadOnlyList<double> returns, FactorReturns factors, AttributionModel model, int neweyWestLags = DefaultNeweyWestLags)
    {
        var data = Align(dates, returns, factors, model);
        var fit = Regress(data.Excess, data.Factors, neweyWestLags);
        var perYear = Annualisation.SessionsPerYear;
        var names = FactorReturns.FactorsOf(model);
        var loadings = new List<FactorLoading>
        {
            new("alpha", fit.Coefficients[0], fit.NeweyWestErrors[0], fit.NeweyWestT[0], fit.Hc3Errors[0], fit.Coefficients[0] * perYear),
        };
        for (var j = 0; j < names.Count; j++)
        {
            loadings.Add(new FactorLoading(names[j], fit.Coefficients[j + 1], fit.NeweyWestErrors[j + 1], fit.NeweyWestT[j + 1], fit.Hc3Errors[j + 1], fit.Coefficients[j + 1] * data.Factors[j].Average() * perYear));
        }

        return new AttributionResult(model, data.Dates, data.Dropped, loadings, fit.RSquared, fit.AdjustedRSquared, fit.ResidualStandardDeviation * Math.Sqrt(perYear),
            data.Excess.Average() * perYear, neweyWestLags);
    }

    /// <summary>Loadings over a rolling window of <paramref name="window"/> sessions, one fit per end date.</summary>
    public static IReadOnlyList<(DateOnly End, IReadOnlyList<double> Loadings)> Rolling(IReadOnlyList<DateOnly> dates, IReadOnlyList<double> returns, FactorReturns factors, AttributionModel model, int window)
    {
        var data = Align(dates, returns, factors, model);
        var k = data.Factors.Count + 1;
        if (window <= k + 1 || window > data.Dates.Count)
        {
            throw new ArgumentException($"A rolling window of {window} sessions needs more than {k + 1} and at most the {data.Dates.Count} aligned sessions.", nameof(window));
        }

        var list = new List<(DateOnly, IReadOnlyList<double>)>();
        for (var end = window; end <= data.Dates.Count; end++)
        {
            var start = end - window;
            var fit = Regress(data.Excess[start..end], [.. data.Factors.Select(f => f[start..end])], 0);
            list.Add((data.Dates[end - 1], fit.Coefficients));
        }

        return list;
    }

    /// <summary>Betas in up and down markets (the market factor split by its sign), and the two timing regressions.</summary>
    public static MarketTiming Timing(IReadOnlyList<DateOnly> dates, IReadOnlyList<double> returns, FactorReturns factors, AttributionModel model, int neweyWestLags = DefaultNeweyWestLags)
    {
        var data = Align(dates, returns, factors, model);
        var m = data.Factors[0];
        var others = data.Factors.Skip(1).ToList();
        var up = m.Select(v => v > 0 ? v : 0).ToArray();
        var down = m.Select(v => v > 0 ? 0 : v).ToArray();
        var conditional = Regress(data.Excess, [up, down, .. others], neweyWestLags);
        var tm = Regress(data.Excess, [m, m.Select(v => v * v).ToArray(), .. others], neweyWestLags);
        var hm = Regress(data.Excess, [m, up, .. others], neweyWestLags);
        return new MarketTiming(
            conditional.Coefficients[1], conditional.NeweyWestErrors[1], conditional.Coefficients[2], conditional.NeweyWestErrors[2],
            tm.Coefficients[2], tm.NeweyWestT[2], hm.Coefficients[2], hm.NeweyWestT[2], up.Count(v => v > 0), down.Length - up.Count(v => v > 0));
    }

    private static OlsFit Regress(double[] y, IReadOnlyList<double[]> factors, int lags) =>
        OlsFit.Fit(y, [Enumerable.Repeat(1.0, y.Length).ToArray(), .. factors], lags);

    private sealed record Aligned(IReadOnlyList<DateOnly> Dates, double[] Excess, IReadOnlyList<double[]> Factors, int Dropped);

    private static Aligned Align(IReadOnlyList<DateOnly> dates, IReadOnlyList<double> returns, FactorReturns factors, AttributionModel model)
    {
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentNullException.ThrowIfNull(factors);
        if (dates.Count != returns.Count)
        {
            throw new ArgumentException($"{dates.Count} dates but {returns.Count} returns.", nameof(returns));
        }

        var names = FactorReturns.FactorsOf(model);
        var columns = names.Select(n => factors.Names.ToList().IndexOf(n) is var i and >= 0
            ? factors.Values[i]
            : throw new ArgumentException($"The {model} model needs the factor '{n}', which the factor data lacks (it has {string.Join(", ", factors.Names)}).", nameof(factors))).ToList();
        var index = factors.Dates.Select((d, i) => (d, i)).ToDictionary(p => p.d, p => p.i);
        var kept = new List<(DateOnly Date, int Row, double Return)>();
        for (var t = 0; t < dates.Count; t++)
        {
            if (index.TryGetValue(dates[t], out var row) && double.IsFinite(returns[t]) && columns.All(c => double.IsFinite(c[row])) && double.IsFinite(factors.RiskFree[row]))
            {
                kept.Add((dates[t], row, returns[t]));
            }
        }

        if (kept.Count == 0)
        {
            var series = dates.Count == 0 ? "(empty)" : $"{dates[0]:yyyy-MM-dd}..{dates[^1]:yyyy-MM-dd}";
            var covered = factors.Dates.Count == 0 ? "nothing" : $"{factors.Dates[0]:yyyy-MM-dd}..{factors.Dates[^1]:yyyy-MM-dd}";
            throw new ArgumentException($"No date of the return series ({series}) has the {model} factors (they cover {covered}).", nameof(dates));
        }

        return new Aligned(
            [.. kept.Select(k => k.Date)],
            [.. kept.Select(k => k.Return - factors.RiskFree[k.Row])],
            [.. columns.Select(c => kept.Select(k => c[k.Row]).ToArray())],
            dates.Count - kept.Count);
    }
}
