using Research.Analytics.Factors;
using Research.Analytics.Risk.Stages;
using Research.Core.Randomness;

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
        var fitter = new Fitting(panel, exposures, options, industryColumn, k, present.Length);

        // 1. Cross-sectional regressions, independent per day.
        var factorReturns = new double[days * k];
        var rSquared = new double[days];
        var observations = new int[days];
        var residuals = new double[panel.Sessions * panel.Assets];
        Array.Fill(residuals, double.NaN);
        var done = 0;
        Parallel.For(0, days, new ParallelOptions { CancellationToken = cancellationToken }, d =>
        {
            (rSquared[d], observations[d]) = fitter.Regress(sessions[d], factorReturns.AsSpan(d * k, k), residuals);
            var count = Interlocked.Increment(ref done);
            if (count % 64 == 0 || count == days)
            {
                progress?.Report(("regressions", (double)count / days));
            }
        });

        // 2. Raw factor covariance and specific variances, recursively through time.
        progress?.Report(("covariance", 0));
        var rawCovariance = fitter.FactorCovariances(factorReturns, days);
        var rawSpecific = fitter.SpecificVariances(sessions, residuals);

        // 3. Eigenfactor adjustment, structural model and shrinkage, independent per day.
        progress?.Report(("eigenfactor and specific risk", 0));
        var covariance = fitter.EigenAdjust(rawCovariance, cancellationToken);
        var specific = new SpecificForecast?[days];
        Parallel.For(0, days, new ParallelOptions { CancellationToken = cancellationToken }, d =>
        {
            if (rawSpecific[d] is { } raw)
            {
                specific[d] = fitter.StructuralAndShrunk(sessions[d], raw);
            }
        });

        // 4. Volatility regime adjustment, recursively.
        var (factorRegime, specificRegime) = fitter.RegimeAdjust(sessions, factorReturns, residuals, covariance, specific);
        progress?.Report(("done", 1));
        return new RiskModel(panel, exposures, options, factors, industryColumn, sessions, factorReturns, rSquared, observations, covariance, specific, factorRegime, specificRegime);
    }

    private sealed class Fitting(EquityPanel panel, FactorExposures exposures, RiskModelOptions options, int[] industryColumn, int k, int industries)
    {
        private readonly int _n = panel.Assets;
        private readonly int _styles = exposures.Factors.Count;

        public (double RSquared, int Count) Regress(int t, Span<double> f, double[] residuals)
        {
            var snapshot = exposures.Snapshots[exposures.SnapshotBefore(t)];
            var m = snapshot.Assets.Length;
            var x = new double[m * k];
            var r = new double[m];
            var w = new double[m];
            var cap = new double[m];
            var index = new int[m];
            var industryCap = new double[Ff10Industries.Names.Count];
            var used = 0;
            for (var a = 0; a < m; a++)
            {
                var i = snapshot.Assets[a];
                var ret = panel.Returns[(t * _n) + i];
                if (double.IsNaN(ret) || (industries > 0 && snapshot.Industry[a] < 0))
                {
                    continue;
                }

                var c = panel.HasMarketCap ? panel.MarketCap[((t - 1) * _n) + i] : double.NaN;
                c = c > 0 ? c : snapshot.Size[a];
                var row = x.AsSpan(used * k, k);
                row[0] = 1.0;
                if (industries > 0)
                {
                    row[industryColumn[snapshot.Industry[a]]] = 1.0;
                    industryCap[snapshot.Industry[a]] += c;
                }

                for (var s = 0; s < _styles; s++)
                {
                    row[1 + industries + s] = snapshot.Values[(a * _styles) + s];
                }

                r[used] = ret;
                w[used] = Math.Sqrt(c);
                cap[used] = c;
                index[used] = i;
                used++;
            }

            if (used <= k)
            {
                f.Fill(double.NaN);
                return (double.NaN, used);
            }

            // Map free parameters theta to factor returns: f = R theta. The last active industry carries the constraint.
            var active = new List<int>();
            for (var j = 0; j < industryCap.Length; j++)
            {
                if (industryCap[j] > 0 && industryColumn[j] >= 0)
                {
                    active.Add(j);
                }
            }

            var map = new double[k * k];
            var p = 0;
            var lastIndustry = active.Count > 0 ? active[^1] : -1;
            for (var col = 0; col < k; col++)
            {
                var isIndustry = col >= 1 && col <= industries;
                if (!isIndustry)
                {
                    map[(col * k) + p] = 1.0;
                    p++;
                    continue;
                }

                var j = Array.IndexOf(industryColumn, col);
                if (industryCap[j] <= 0 || j == lastIndustry)
                {
                    continue;
                }

                map[(col * k) + p] = 1.0;
                map[(industryColumn[lastIndustry] * k) + p] = -industryCap[j] / industryCap[lastIndustry];
                p++;
            }

            // Reduced design Z = X R (used x p), normal equations Zᵀ W Z theta = Zᵀ W r.
            var z = new double[p];
            var normal = new double[p * p];
            var rhs = new double[p];
            for (var a = 0; a < used; a++)
            {
                var row = x.AsSpan(a * k, k);
                Array.Clear(z);
                for (var col = 0; col < k; col++)
                {
                    if (row[col] == 0)
                    {
                        continue;
                    }

                    for (var q = 0; q < p; q++)
                    {
                        z[q] += row[col] * map[(col * k) + q];
                    }
                }

                for (var q1 = 0; q1 < p; q1++)
                {
                    var wz = w[a] * z[q1];
                    rhs[q1] += wz * r[a];
                    for (var q2 = 0; q2 <= q1; q2++)
                    {
                        normal[(q1 * p) + q2] += wz * z[q2];
                    }
                }
            }

            for (var q1 = 0; q1 < p; q1++)
            {
                for (var q2 = q1 + 1; q2 < p; q2++)
                {
                    normal[(q1 * p) + q2] = normal[(q2 * p) + q1];
                }
            }

            SmallLinearAlgebra.SolveSymmetric(normal, rhs, p);
            for (var col = 0; col < k; col++)
            {
                var value = 0.0;
                for (var q = 0; q < p; q++)
                {
                    value += map[(col * k) + q] * rhs[q];
                }

                f[col] = value;
            }

            double sw = 0, swr = 0;
            for (var a = 0; a < used; a++)
            {
                sw += w[a];
                swr += w[a] * r[a];
            }

            var mean = swr / sw;
            double sse = 0, sst = 0;
            for (var a = 0; a < used; a++)
            {
                var fitted = 0.0;
                var row = x.AsSpan(a * k, k);
                for (var col = 0; col < k; col++)
                {
                    fitted += row[col] * f[col];
                }

                var e = r[a] - fitted;
                residuals[(t * _n) + index[a]] = e;
                sse += w[a] * e * e;
                sst += w[a] * (r[a] - mean) * (r[a] - mean);
            }

            return (sst > 0 ? 1 - (sse / sst) : double.NaN, used);
        }

        public double[]?[] FactorCovariances(double[] factorReturns, int days) => FactorCovarianceStage.Estimate(factorReturns, days, k, options);

        public double[]?[] EigenAdjust(double[]?[] raw, CancellationToken cancellationToken)
        {
            if (!options.Eigenfactor)
            {
                return raw;
            }

            var days = raw.Length;
            var first = Array.FindIndex(raw, c => c is not null);
            if (first < 0)
            {
                return raw;
            }

            var anchors = Enumerable.Range(first, days - first).Where(d => raw[d] is not null && ((d - first) % options.EigenEvery == 0 || d == days - 1)).ToArray();
            var gammas = new double[anchors.Length][];
            Parallel.For(0, anchors.Length, new ParallelOptions { CancellationToken = cancellationToken }, a =>
            {
                var d = anchors[a];
                var observations = Math.Min(d + 1, 2 * options.CorrelationHalfLife);
                gammas[a] = EigenBias(raw[d]!, observations, options.Seed + (ulong)d);
            });

            var adjusted = new double[]?[days];
            Parallel.For(first, days, d =>
            {
                if (raw[d] is null)
                {
                    return;
                }

                var anchor = Array.BinarySearch(anchors, d);
                anchor = anchor >= 0 ? anchor : ~anchor - 1;
                var gamma = gammas[Math.Max(anchor, 0)];
                var (values, vectors) = SmallLinearAlgebra.Eigen(raw[d]!, k);
                var cov = new double[k * k];
                for (var e = 0; e < k; e++)
                {
                    var scaled = Math.Max(values[e], 0) * gamma[e] * gamma[e];
                    for (var a = 0; a < k; a++)
                    {
                        var va = vectors[a, e] * scaled;
                        for (var b = 0; b < k; b++)
                        {
                            cov[(a * k) + b] += va * vectors[b, e];
                        }
                    }
                }

                adjusted[d] = cov;
            });
            return adjusted;
        }

        /// <summary>γ per eigenvalue rank (ascending) from simulated re-estimation of <paramref name="cov"/>.</summary>
        private double[] EigenBias(double[] cov, int observations, ulong seed)
        {
            var (values, _) = SmallLinearAlgebra.Eigen(cov, k);
            var sd = values.Select(v => Math.Sqrt(Math.Max(v, 0))).ToArray();
            var ratio = new double[k];
            var rng = DeterministicRandom.ForStream(seed, 0x51, 0);
            var lambda = Math.Pow(0.5, 1.0 / options.CorrelationHalfLife);
            var sample = new double[k * k];
            var draw = new double[k];
            for (var m = 0; m < options.EigenSimulations; m++)
            {
                Array.Clear(sample);
                var weight = 1.0;
                var total = 0.0;
                for (var t = 0; t < observations; t++)
                {
                    for (var a = 0; a < k; a++)
                    {
                        draw[a] = sd[a] * rng.NextGaussian();
                    }

                    for (var a = 0; a < k; a++)
                    {
                        var wa = weight * draw[a];
                        for (var b = 0; b <= a; b++)
                        {
                            sample[(a * k) + b] += wa * draw[b];
                        }
                    }

                    total += weight;
                    weight *= lambda;
                }

                for (var a = 0; a < k; a++)
                {
                    for (var b = 0; b <= a; b++)
                    {
                        sample[(a * k) + b] /= total;
                        sample[(b * k) + a] = sample[(a * k) + b];
                    }
                }

                var (estimated, vectors) = SmallLinearAlgebra.Eigen(sample, k);
                for (var e = 0; e < k; e++)
                {
                    // True variance of the simulated eigenportfolio u_e: u_eᵀ D u_e (the simulation's truth is diagonal D).
                    var truth = 0.0;
                    for (var a = 0; a < k; a++)
                    {
                        truth += vectors[a, e] * vectors[a, e] * values[a] * (values[a] > 0 ? 1 : 0);
                    }

                    ratio[e] += estimated[e] > 0 ? truth / estimated[e] : 1.0;
                }
            }

            return [.. ratio.Select(r => (options.EigenScale * (Math.Sqrt(r / options.EigenSimulations) - 1.0)) + 1.0)];
        }

        public (int[] Assets, double[] Variance, int[] Observations)?[] SpecificVariances(int[] sessions, double[] residuals)
        {
            var lags = options.SpecificNeweyWestLags;
            var lambda = Math.Pow(0.5, 1.0 / options.SpecificHalfLife);
            var sum = new double[_n];
            var weight = new double[_n];
            var count = new int[_n];
            var lagSums = new double[lags * _n];
            var history = new double[lags * _n];
            var result = new (int[], double[], int[])?[sessions.Length];
            for (var d = 0; d < sessions.Length; d++)
            {
                var t = sessions[d];
                for (var i = 0; i < _n; i++)
                {
                    var e = residuals[(t * _n) + i];
                    if (double.IsNaN(e))
                    {
                        continue;
                    }

                    // A jump (a takeover premium, an earnings shock) would inflate the stock's forecast for months:
                    // once there is a history, residuals are clipped at the trim multiple of the current estimate.
                    if (count[i] >= 20 && options.SpecificTrim > 0)
                    {
                        var bound = options.SpecificTrim * Math.Sqrt(sum[i] / weight[i]);
                        e = Math.Clamp(e, -bound, bound);
                    }

                    sum[i] = (lambda * sum[i]) + (e * e);
                    weight[i] = (lambda * weight[i]) + 1.0;
                    for (var l = 0; l < lags; l++)
                    {
                        lagSums[(l * _n) + i] = (lambda * lagSums[(l * _n) + i]) + (count[i] > l ? e * history[(l * _n) + i] : 0.0);
                    }

                    for (var l = lags - 1; l > 0; l--)
                    {
                        history[(l * _n) + i] = history[((l - 1) * _n) + i];
                    }

                    if (lags > 0)
                    {
                        history[i] = e;
                    }

                    count[i]++;
                }

                if (d + 1 < options.WarmUpSessions)
                {
                    continue;
                }

                var next = exposures.SnapshotBefore(t + 1);
                var universe = exposures.Snapshots[next].Assets;
                var variance = new double[universe.Length];
                var observed = new int[universe.Length];
                for (var a = 0; a < universe.Length; a++)
                {
                    var i = universe[a];
                    observed[a] = count[i];
                    if (count[i] < 2)
                    {
                        variance[a] = double.NaN;
                        continue;
                    }

                    var plain = sum[i] / weight[i];
                    var nw = plain;
                    for (var l = 0; l < lags; l++)
                    {
                        nw += 2.0 * (1.0 - ((l + 1.0) / (lags + 1.0))) * lagSums[(l * _n) + i] / weight[i];
                    }

                    variance[a] = Math.Max(nw, 0.25 * plain);
                }

                result[d] = (universe, variance, observed);
            }

            return result;
        }

        public SpecificForecast StructuralAndShrunk(int t, (int[] Assets, double[] Variance, int[] Observations) raw)
        {
            var snapshot = exposures.Snapshots[exposures.SnapshotBefore(t + 1)];
            var m = raw.Assets.Length;
            var sigma = new double[m];
            var columns = (industries > 0 ? industries : 1) + _styles;

            // Structural model: log σ on industries (or an intercept) and styles, over stocks with a full history.
            var normal = new double[columns * columns];
            var rhs = new double[columns];
            var row = new double[columns];
            double sumSigma = 0, sumFitted = 0;
            var fullCount = 0;
            for (var pass = 0; pass < 2; pass++)
            {
                for (var a = 0; a < m; a++)
                {
                    if (raw.Observations[a] < options.StructuralFullObservations || !(raw.Variance[a] > 0))
                    {
                        continue;
                    }

                    Row(snapshot, a, row);
                    var w = Math.Sqrt(snapshot.Size[a]);
                    var y = 0.5 * Math.Log(raw.Variance[a]);
                    if (pass == 0)
                    {
                        fullCount++;
                        for (var c1 = 0; c1 < columns; c1++)
                        {
                            rhs[c1] += w * row[c1] * y;
                            for (var c2 = 0; c2 < columns; c2++)
                            {
                                normal[(c1 * columns) + c2] += w * row[c1] * row[c2];
                            }
                        }
                    }
                    else
                    {
                        sumSigma += Math.Exp(y);
                        sumFitted += Math.Exp(Dot(row, rhs));
                    }
                }

                if (pass == 0)
                {
                    if (fullCount <= 2 * columns)
                    {
                        break;
                    }

                    SmallLinearAlgebra.SolveSymmetric(normal, rhs, columns);
                }
            }

            var structural = fullCount > 2 * columns;
            var bias = structural && sumFitted > 0 ? sumSigma / sumFitted : 1.0;
            for (var a = 0; a < m; a++)
            {
                var own = raw.Variance[a] > 0 ? Math.Sqrt(raw.Variance[a]) : double.NaN;
                var gamma = Math.Clamp((double)(raw.Observations[a] - options.StructuralMinObservations) / (options.StructuralFullObservations - options.StructuralMinObservations), 0, 1);
                if (double.IsNaN(own))
                {
                    gamma = 0;
                }

                if (gamma < 1 && structural)
                {
                    Row(snapshot, a, row);
                    var fitted = bias * Math.Exp(Dot(row, rhs));
                    sigma[a] = gamma > 0 ? (gamma * own) + ((1 - gamma) * fitted) : fitted;
                }
                else
                {
                    sigma[a] = own;
                }
            }

            Shrink(snapshot, sigma);
            var variance = new double[m];
            for (var a = 0; a < m; a++)
            {
                variance[a] = sigma[a] * sigma[a];
            }

            return new SpecificForecast(raw.Assets, variance, raw.Observations);
        }

        private void Row(ExposureSnapshot snapshot, int a, double[] row)
        {
            Array.Clear(row);
            var offset = industries > 0 ? industries : 1;
            if (industries > 0)
            {
                row[industryColumn[snapshot.Industry[a]] - 1] = 1.0;
            }
            else
            {
                row[0] = 1.0;
            }

            for (var s = 0; s < _styles; s++)
            {
                row[offset + s] = snapshot.Values[(a * _styles) + s];
            }
        }

        private static double Dot(double[] a, double[] b)
        {
            var sum = 0.0;
            for (var i = 0; i < a.Length; i++)
            {
                sum += a[i] * b[i];
            }

            return sum;
        }

        /// <summary>Bayesian shrinkage towards the cap-weighted mean of the size group.</summary>
        private void Shrink(ExposureSnapshot snapshot, double[] sigma)
        {
            var order = Enumerable.Range(0, sigma.Length).Where(a => double.IsFinite(sigma[a])).OrderBy(a => snapshot.Size[a]).ToArray();
            var groups = Math.Min(options.SizeGroups, Math.Max(1, order.Length / 10));
            var q = options.ShrinkageIntensity;
            var shrunk = (double[])sigma.Clone();
            for (var g = 0; g < groups; g++)
            {
                var start = order.Length * g / groups;
                var end = order.Length * (g + 1) / groups;
                double weighted = 0, weight = 0;
                for (var o = start; o < end; o++)
                {
                    weighted += snapshot.Size[order[o]] * sigma[order[o]];
                    weight += snapshot.Size[order[o]];
                }

                var mean = weighted / weight;
                var spread = 0.0;
                for (var o = start; o < end; o++)
                {
                    spread += (sigma[order[o]] - mean) * (sigma[order[o]] - mean);
                }

                spread = Math.Sqrt(spread / (end - start));
                for (var o = start; o < end; o++)
                {
                    var a = order[o];
                    var distance = q * Math.Abs(sigma[a] - mean);
                    var v = distance + spread > 0 ? distance / (spread + distance) : 0;
                    shrunk[a] = (v * mean) + ((1 - v) * sigma[a]);
                }
            }

            Array.Copy(shrunk, sigma, sigma.Length);
        }

        public (double[] Factor, double[] Specific) RegimeAdjust(int[] sessions, double[] factorReturns, double[] residuals, double[]?[] covariance, SpecificForecast?[] specific)
        {
            var days = sessions.Length;
            var factorLambda = Enumerable.Repeat(1.0, days).ToArray();
            var specificLambda = Enumerable.Repeat(1.0, days).ToArray();
            if (!options.VolatilityRegimeAdjustment)
            {
                return (factorLambda, specificLambda);
            }

            var decay = Math.Pow(0.5, 1.0 / options.VraHalfLife);
            double factorSum = 0, specificSum = 0, weight = 0;
            for (var d = 1; d < days; d++)
            {
                if (covariance[d - 1] is { } previous && specific[d - 1] is { } previousSpecific && !double.IsNaN(factorReturns[d * k]))
                {
                    var squares = 0.0;
                    var counted = 0;
                    for (var a = 0; a < k; a++)
                    {
                        var f = factorReturns[(d * k) + a];
                        if (previous[(a * k) + a] > 0)
                        {
                            squares += f * f / previous[(a * k) + a];
                            counted++;
                        }
                    }

                    var t = sessions[d];
                    double weighted = 0, capWeight = 0;
                    var snapshot = exposures.Snapshots[exposures.SnapshotBefore(t)];
                    for (var a = 0; a < previousSpecific.Assets.Length; a++)
                    {
                        var i = previousSpecific.Assets[a];
                        var e = residuals[(t * _n) + i];
                        var v = previousSpecific.Variance[a];
                        if (double.IsNaN(e) || !(v > 0))
                        {
                            continue;
                        }

                        var s = Array.BinarySearch(snapshot.Assets, i);
                        var c = s >= 0 ? snapshot.Size[s] : 0.0;
                        weighted += c * e * e / v;
                        capWeight += c;
                    }

                    factorSum = (decay * factorSum) + (counted > 0 ? squares / counted : 1.0);
                    specificSum = (decay * specificSum) + (capWeight > 0 ? weighted / capWeight : 1.0);
                    weight = (decay * weight) + 1.0;
                }

                if (weight > 0 && covariance[d] is not null)
                {
                    factorLambda[d] = Math.Sqrt(factorSum / weight);
                    specificLambda[d] = Math.Sqrt(specificSum / weight);
                }
            }

            // Scale after the statistics are gathered: the bias of a day is measured against the unscaled forecast.
            for (var d = 0; d < days; d++)
            {
                if (covariance[d] is { } cov)
                {
                    var scale = factorLambda[d] * factorLambda[d];
                    for (var c = 0; c < cov.Length; c++)
                    {
                        cov[c] *= scale;
                    }
                }

                if (specific[d] is { } s)
                {
                    var scale = specificLambda[d] * specificLambda[d];
                    for (var a = 0; a < s.Variance.Length; a++)
                    {
                        s.Variance[a] *= scale;
                    }
                }
            }

            return (factorLambda, specificLambda);
        }
    }
}
