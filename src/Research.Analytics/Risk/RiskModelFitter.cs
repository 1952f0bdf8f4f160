using Research.Analytics.Factors;
using Research.Analytics.Risk.Stages;

namespace Research.Analytics.Risk;

/// <summary>
/// Fits a USE4-style equity factor risk model, in steps:
/// <list type="number">
/// <item><b>Factor returns.</b> For each session t, regress the stocks' returns of t on their exposures known at the
/// close of t-1 (the latest snapshot before t): a market (country) factor with exposure 1, one factor per industry
/// (exposure 1 to its own) and the style factors. Weighted least squares with weights proportional to the square
/// root of market cap at t-1 (Barra: specific variance falls roughly with the square root of size). Market and
/// industries are collinear, so industry returns are constrained to sum to zero weighted by industry cap
/// (Σ_j c_j f_j = 0, Menchero's USE4 convention): the market factor is then the cap-weighted market's return and
/// industries are relative to it. The constraint is imposed by substitution (the last active industry is a linear
/// combination of the others), and the reduced normal equations are solved by Cholesky.</item>
/// <item><b>Factor covariance.</b> Exponentially weighted covariance of the factor returns (zero mean), with separate
/// half-lives for volatilities (21 sessions by default) and correlations (504), each with a Newey-West (Bartlett) correction for
/// serial correlation: Σ_0 + Σ_l (1 - l/(L+1)) (Σ_l + Σ_lᵀ). Covariance = D C D.</item>
/// <item><b>Eigenfactor adjustment</b> (Menchero, Wang and Orr 2011). Sample covariance matrices underestimate the risk of
/// their smallest eigenportfolios. Simulate factor returns from the estimated matrix F = U D Uᵀ, re-estimate, and
/// measure for each eigenvalue rank how much the simulated estimate underpredicts its own eigenportfolios' true
/// variance (λ_k² = mean of true / estimated); scale the eigenvalues by γ_k² with γ_k = a (λ_k − 1) + 1.</item>
/// <item><b>Specific risk.</b> Exponentially weighted mean of squared residuals (half-life 42 by default, each residual clipped at
/// 4 times the stock's current estimate so that one jump does not inflate months of forecasts) with Newey-West; a
/// structural model for stocks with short histories (log specific volatility regressed on industries and styles
/// over stocks with a full history, blended by history length, USE4 section 5); Bayesian shrinkage of each
/// volatility towards its size decile's cap-weighted mean, v = q|σ − σ̄| / (Δ + q|σ − σ̄|) (Barra USE4).</item>
/// <item><b>Volatility regime adjustment.</b> The cross-sectional bias statistic of each day (the root mean square of
/// realised / predicted factor returns, and of cap-weighted standardised specific returns) is averaged with a 42-session
/// half-life; its square multiplies the factor covariance (and the specific variances): forecasts catch up with a
/// regime change faster than the volatility half-life alone allows (USE4 section 4.3).</item>
/// </list>
/// Sources: Menchero, Orr and Wang, "The Barra US Equity Model (USE4): Methodology Notes" (MSCI 2011); Menchero, Wang
/// and Orr, "Improving Risk Forecasts for Optimized Portfolios", FAJ 68(3), 2012; Newey and West, Econometrica 1987.
/// </summary>
public static class RiskModelFitter
{
    public static RiskModel Fit(EquityPanel panel, FactorExposures exposures, DateOnly from, DateOnly to, RiskModelOptions? options = null, IProgress<(string Stage, double Fraction)>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(exposures);
        options ??= new RiskModelOptions();
        options.Validate();
        if (exposures.Snapshots.Count == 0)
        {
            throw new ArgumentException("No exposure snapshots: build factors over the fitting period first.", nameof(exposures));
        }

        // A day enters once every style is defined for most of the universe (momentum needs a year of returns,
        // quality four reported quarters): a factor that is all zeros has no return and no variance to forecast.
        var covered = exposures.Snapshots.Select(s => s.Coverage.All(c => c >= options.MinimumCoverage)).ToArray();
        var sessions = Enumerable.Range(1, panel.Sessions - 1)
            .Where(t => panel.Dates[t] >= from && panel.Dates[t] <= to && exposures.SnapshotBefore(t) is var s && s >= 0 && covered[s])
            .ToArray();
        if (sessions.Length < options.WarmUpSessions + 2)
        {
            var last = exposures.Snapshots[^1];
            var thin = exposures.Factors.Select((f, k) => (f, c: last.Coverage[k])).Where(x => x.c < options.MinimumCoverage).Select(x => $"{x.f} {x.c:P0}");
            throw new ArgumentException(
                $"{sessions.Length} sessions between {from:yyyy-MM-dd} and {to:yyyy-MM-dd} have exposures from an earlier close with every style covering {options.MinimumCoverage:P0} of stocks; the model needs more than the warm-up of {options.WarmUpSessions}."
                + (thin.Any() ? $" Thin on {last.Date:yyyy-MM-dd}: {string.Join(", ", thin)}; start later or leave those styles out." : " Start the fit later or give more history."));
        }

        var industryColumn = Enumerable.Repeat(-1, Ff10Industries.Names.Count).ToArray();
        var present = exposures.Snapshots.SelectMany(s => s.Industry).Where(j => j >= 0).Distinct().Order().ToArray();
        var factors = new List<string> { "market" };
        foreach (var j in present)
        {
            industryColumn[j] = factors.Count;
            factors.Add("ind_" + Ff10Industries.Names[j].ToLowerInvariant());
        }

        factors.AddRange(exposures.Factors);
        var k = factors.Count;
        var days = sessions.Length;
        var regression = new CrossSectionalRegressionStage(panel, exposures, industryColumn, present.Length);

        // 1. Cross-sectional regressions, independent per day.
        var factorReturns = new double[days * k];
        var rSquared = new double[days];
        var observations = new int[days];
        var residuals = new double[panel.Sessions * panel.Assets];
        Array.Fill(residuals, double.NaN);
        var done = 0;
        Parallel.For(0, days, new ParallelOptions { CancellationToken = cancellationToken }, d =>
        {
            (rSquared[d], observations[d]) = regression.Regress(sessions[d], factorReturns.AsSpan(d * k, k), residuals);
            var count = Interlocked.Increment(ref done);
            if (count % 64 == 0 || count == days)
            {
                progress?.Report(("regressions", (double)count / days));
            }
        });

        // 2. Raw factor covariance and specific variances, recursively through time.
        progress?.Report(("covariance", 0));
        var rawCovariance = FactorCovarianceStage.Estimate(factorReturns, days, k, options);
        var rawSpecific = new SpecificVarianceStage(exposures, options, panel.Assets).Estimate(sessions, residuals);

        // 3. Eigenfactor adjustment, structural model and shrinkage, independent per day.
        progress?.Report(("eigenfactor and specific risk", 0));
        var covariance = new EigenfactorStage(options, k).Adjust(rawCovariance, cancellationToken);
        var shrinkage = new SpecificShrinkageStage(exposures, options, industryColumn, present.Length);
        var specific = new SpecificForecast?[days];
        Parallel.For(0, days, new ParallelOptions { CancellationToken = cancellationToken }, d =>
        {
            if (rawSpecific[d] is { } raw)
            {
                specific[d] = shrinkage.Forecast(sessions[d], raw);
            }
        });

        // 4. Volatility regime adjustment, recursively.
        var (factorRegime, specificRegime) = new VolatilityRegimeStage(exposures, options, panel.Assets, k).Adjust(sessions, factorReturns, residuals, covariance, specific);
        progress?.Report(("done", 1));
        return new RiskModel(panel, exposures, options, factors, industryColumn, sessions, factorReturns, rSquared, observations, covariance, specific, factorRegime, specificRegime);
    }
}
