using MathNet.Numerics.Distributions;
using Research.Analytics.Optimization;

namespace Research.Analytics.Risk;

/// <summary>Risk of a portfolio under a factor model, split by asset and by factor (all in return units per period of the model).</summary>
/// <param name="Volatility">σ = sqrt(wᵀΣw), Σ = B F Bᵀ + diag(specific).</param>
/// <param name="FactorVolatility">sqrt(xᵀFx) with exposures x = Bᵀw.</param>
/// <param name="SpecificVolatility">sqrt(Σ w_i² s_i).</param>
/// <param name="Exposures">x = Bᵀw, one per factor.</param>
/// <param name="MarginalByAsset">∂σ/∂w_i = (Σw)_i / σ.</param>
/// <param name="ComponentByAsset">w_i (Σw)_i / σ; they sum to σ.</param>
/// <param name="ComponentByFactor">x_f (Fx)_f / σ; with <paramref name="ComponentSpecific"/> they sum to σ.</param>
/// <param name="ComponentSpecific">Σ w_i² s_i / σ.</param>
public sealed record RiskDecomposition(
    double Volatility,
    double FactorVolatility,
    double SpecificVolatility,
    double[] Exposures,
    double[] MarginalByAsset,
    double[] ComponentByAsset,
    double[] ComponentByFactor,
    double ComponentSpecific);

/// <summary>
/// Portfolio risk analytics over a factor model: total, factor and specific risk; marginal and component contributions
/// by asset and by factor (Euler allocation: components sum to the total exactly, because σ is homogeneous of degree
/// one in w); ex-ante tracking error as the same decomposition of the active weights w − w_b; value at risk and
/// expected shortfall, parametric (normal) and historical.
/// </summary>
public static class PortfolioRisk
{
    public static RiskDecomposition Decompose(FactorModelSpec model, double[] weights)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        model.Validate(weights.Length);
        var n = weights.Length;
        var k = model.Factors;
        var x = new double[k];
        for (var i = 0; i < n; i++)
        {
            for (var f = 0; f < k; f++)
            {
                x[f] += model.Exposures[i][f] * weights[i];
            }
        }

        var fx = new double[k];
        for (var a = 0; a < k; a++)
        {
            for (var b = 0; b < k; b++)
            {
                fx[a] += model.FactorCovariance[a][b] * x[b];
            }
        }

        var factorVariance = Enumerable.Range(0, k).Sum(f => x[f] * fx[f]);
        var specificVariance = Enumerable.Range(0, n).Sum(i => weights[i] * weights[i] * model.SpecificVariance[i]);
        var sigmaW = model.Multiply(weights);
        var variance = Enumerable.Range(0, n).Sum(i => weights[i] * sigmaW[i]);
        var volatility = Math.Sqrt(Math.Max(variance, 0));
        if (volatility == 0)
        {
            return new RiskDecomposition(0, 0, 0, x, new double[n], new double[n], new double[k], 0);
        }

        return new RiskDecomposition(
            volatility,
            Math.Sqrt(Math.Max(factorVariance, 0)),
            Math.Sqrt(specificVariance),
            x,
            [.. sigmaW.Select(v => v / volatility)],
            [.. Enumerable.Range(0, n).Select(i => weights[i] * sigmaW[i] / volatility)],
            [.. Enumerable.Range(0, k).Select(f => x[f] * fx[f] / volatility)],
            specificVariance / volatility);
    }

    /// <summary>Ex-ante tracking error: the decomposition of the active weights w − w_b.</summary>
    public static RiskDecomposition TrackingError(FactorModelSpec model, double[] weights, double[] benchmark)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(benchmark);
        if (weights.Length != benchmark.Length)
        {
            throw new ArgumentException($"weights has {weights.Length} entries, benchmark {benchmark.Length}.", nameof(benchmark));
        }

        return Decompose(model, [.. weights.Zip(benchmark, (w, b) => w - b)]);
    }

    /// <summary>Normal VaR and expected shortfall at <paramref name="confidence"/> as positive losses:
    /// VaR = zσ − μ, ES = σ φ(z)/(1 − c) − μ, z = Φ⁻¹(c).</summary>
    public static (double ValueAtRisk, double ExpectedShortfall) Parametric(double volatility, double expectedReturn, double confidence)
    {
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must be in (0, 1), e.g. 0.95.");
        }

        var z = Normal.InvCDF(0, 1, confidence);
        return ((z * volatility) - expectedReturn, (volatility * Normal.PDF(0, 1, z) / (1 - confidence)) - expectedReturn);
    }

    /// <summary>
    /// Historical VaR and expected shortfall of a return series as positive losses: with T returns and m = ⌈T(1 − c)⌉,
    /// VaR is the m-th largest loss and ES the mean of the m largest losses (so ES ≥ VaR, and both are losses that
    /// actually happened).
    /// </summary>
    public static (double ValueAtRisk, double ExpectedShortfall) Historical(IReadOnlyList<double> returns, double confidence)
    {
        ArgumentNullException.ThrowIfNull(returns);
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must be in (0, 1), e.g. 0.95.");
        }

        if (returns.Count == 0 || returns.Any(r => !double.IsFinite(r)))
        {
            throw new ArgumentException("returns must be a non-empty series of finite numbers.", nameof(returns));
        }

        var losses = returns.Select(r => -r).OrderByDescending(l => l).ToArray();
        var m = Math.Max(1, (int)Math.Ceiling(losses.Length * (1 - confidence) - 1e-9));
        return (losses[m - 1], losses.Take(m).Average());
    }
}
