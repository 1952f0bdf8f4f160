using Research.Core.Randomness;

namespace Research.Analytics.Risk.Stages;

/// <summary>
/// Stage 3 of the risk model fit (<see cref="RiskModelFitter"/>): the eigenfactor adjustment (Menchero, Wang and Orr
/// 2011). A sample covariance underestimates the risk of its smallest eigenportfolios. Factor returns are simulated
/// from F = U D Uᵀ with the correlation half-life's weights, re-estimated, and for each eigenvalue rank the simulated
/// estimate's bias is measured (λ_k² = mean of true / estimated variance of its own eigenportfolios); the eigenvalues
/// are scaled by γ_k² with γ_k = a (λ_k − 1) + 1. Draws come from <see cref="DeterministicRandom"/> keyed by the seed and
/// the day, so a fit is reproducible and independent of thread scheduling.
/// </summary>
public sealed class EigenfactorStage(RiskModelOptions options, int k)
{
    /// <summary>The adjusted covariance of each day (the raw one when the adjustment is off); γ is simulated every <see cref="RiskModelOptions.EigenEvery"/> days and held in between.</summary>
    public double[]?[] Adjust(double[]?[] raw, CancellationToken cancellationToken)
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
            gammas[a] = Bias(raw[d]!, observations, options.Seed + (ulong)d);
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
    public double[] Bias(double[] cov, int observations, ulong seed)
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
}
