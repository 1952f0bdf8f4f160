using Research.Analytics.Optimization;
using Research.Backtesting.Engine;
using Research.Core.Calendars;

namespace Research.Backtesting.Strategies;

/// <summary>Settings of <see cref="OptimizedFactorStrategy"/>.</summary>
public sealed record OptimizedFactorSettings
{
    /// <summary>Information coefficient of the factor (Grinold and Kahn: alpha = IC x volatility x score).</summary>
    public double InformationCoefficient { get; init; } = 0.05;

    /// <summary>λ in max αᵀw − λ/2 wᵀΣw (daily units).</summary>
    public double RiskAversion { get; init; } = 10;

    /// <summary>|w_i| at most this.</summary>
    public double MaxPosition { get; init; } = 0.03;

    /// <summary>Σ|w_i| at most this (2 = 100/100).</summary>
    public double GrossLeverage { get; init; } = 2;

    /// <summary>|portfolio beta| at most this.</summary>
    public double MaxBeta { get; init; } = 0.05;

    /// <summary>Sessions of history for betas and volatilities.</summary>
    public int Lookback { get; init; } = Annualisation.SessionsPerYear;
}

/// <summary>
/// Optimiser-driven long/short: at each month end, for the stocks of the latest exposure snapshot that traded today and
/// have at least half a lookback of returns,
/// 1. alpha_i = IC x sigma_i x z_i (z the factor exposure, sigma the stock's daily volatility over the lookback);
/// 2. risk from a one-factor model estimated point in time from the view: beta_i against the equal-weighted return of
///    these stocks, the index's variance, and each stock's residual variance (no n x n matrix is formed);
/// 3. <see cref="PortfolioOptimizer"/> maximises αᵀw − λ/2 wᵀΣw subject to dollar neutrality, gross leverage, a position
///    limit and |beta| ≤ a bound. Every number comes from data up to the decision close; the solver is the same one
///    <c>research optimize</c> uses (research-to-production parity).
/// </summary>
public sealed class OptimizedFactorStrategy(string factor, OptimizedFactorSettings? settings = null) : IStrategy
{
    private readonly OptimizedFactorSettings _settings = settings ?? new OptimizedFactorSettings();

    public string Name => $"{factor} optimised long/short";

    public bool RebalancesOn(PointInTimeView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return view.IsLastSessionOfMonth;
    }

    public double[] TargetWeights(PointInTimeView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var snapshot = view.Exposures(out var factors);
        var k = factors.ToList().IndexOf(factor);
        if (k < 0)
        {
            throw new ArgumentException($"{Name}: factor '{factor}' is not among the exposures ({string.Join(", ", factors)}).");
        }

        var lookback = Math.Min(_settings.Lookback, view.Session + 1);
        var first = view.Session - lookback + 1;
        var candidates = new List<(int Asset, double Score)>();
        for (var a = 0; a < snapshot.Assets.Length; a++)
        {
            var i = snapshot.Assets[a];
            var score = snapshot.Values[(a * factors.Count) + k];
            if (!double.IsFinite(score) || !view.Traded(view.Session, i))
            {
                continue;
            }

            var observed = 0;
            for (var s = first; s <= view.Session; s++)
            {
                observed += view.Traded(s, i) ? 1 : 0;
            }

            if (observed * 2 >= lookback && observed >= 20)
            {
                candidates.Add((i, score));
            }
        }

        var n = candidates.Count;
        if (n < 10)
        {
            throw new InvalidOperationException($"{Name}: {n} stocks with enough history on {view.Date:yyyy-MM-dd}; at least 10 are needed.");
        }

        // The equal-weighted index of the candidates, day by day (missing returns left out).
        var index = new double[lookback];
        for (var s = 0; s < lookback; s++)
        {
            double sum = 0;
            var count = 0;
            foreach (var (i, _) in candidates)
            {
                var r = view.Return(first + s, i);
                if (!double.IsNaN(r))
                {
                    sum += r;
                    count++;
                }
            }

            index[s] = count > 0 ? sum / count : 0;
        }

        var indexMean = index.Average();
        var indexVariance = index.Sum(x => (x - indexMean) * (x - indexMean)) / (lookback - 1);
        var beta = new double[n];
        var specific = new double[n];
        var alpha = new double[n];
        for (var c = 0; c < n; c++)
        {
            var i = candidates[c].Asset;
            double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0;
            var m = 0;
            for (var s = 0; s < lookback; s++)
            {
                var r = view.Return(first + s, i);
                if (double.IsNaN(r))
                {
                    continue;
                }

                var x = index[s];
                sx += x;
                sy += r;
                sxx += x * x;
                sxy += x * r;
                syy += r * r;
                m++;
            }

            var covariance = (sxy - (sx * sy / m)) / (m - 1);
            var varX = (sxx - (sx * sx / m)) / (m - 1);
            var varY = (syy - (sy * sy / m)) / (m - 1);
            beta[c] = varX > 0 ? covariance / varX : 1;
            specific[c] = Math.Max(varY - (beta[c] * beta[c] * indexVariance), 0.05 * varY) + 1e-10;
            alpha[c] = _settings.InformationCoefficient * Math.Sqrt(varY) * candidates[c].Score;
        }

        var spec = new PortfolioSpec
        {
            Objective = "mean_variance",
            Assets = [.. candidates.Select(c => c.Asset.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            ExpectedReturns = alpha,
            RiskAversion = _settings.RiskAversion,
            FactorModel = new FactorModelSpec([.. beta.Select(b => new[] { b })], [[indexVariance]], specific),
            FactorNames = ["market"],
            Constraints = new PortfolioConstraints
            {
                Budget = 0,
                MaxPosition = _settings.MaxPosition,
                GrossLeverage = _settings.GrossLeverage,
                FactorBounds = new Dictionary<string, ExposureBound>(StringComparer.Ordinal) { ["market"] = new(-_settings.MaxBeta, _settings.MaxBeta) },
            },
        };
        var result = PortfolioOptimizer.Optimize(spec);
        var weights = new double[view.Assets];
        for (var c = 0; c < n; c++)
        {
            var w = result.Weights[spec.Assets[c]];
            weights[candidates[c].Asset] = Math.Abs(w) < 1e-7 ? 0 : w;
        }

        return weights;
    }
}
