using System.Text.Json;
using System.Text.Json.Serialization;

namespace Research.Analytics.Optimization;

/// <summary>
/// An optimisation stated by hand (JSON, snake_case), e.g.
/// <c>{"objective":"min_variance","assets":["A","B"],"covariance":[[0.04,0.01],[0.01,0.09]],"constraints":{"budget":1.0,"long_only":true}}</c>.
/// Objectives: <c>min_variance</c>, <c>mean_variance</c> (maximise μᵀw − ½λ wᵀΣw, λ = <see cref="RiskAversion"/>),
/// <c>max_sharpe</c> (with <see cref="RiskFreeRate"/>), <c>tracking_error</c> (against <see cref="Benchmark"/>) and
/// <c>risk_parity</c> (equal risk contributions, long-only, fully invested).
/// </summary>
public sealed record PortfolioSpec
{
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public required string Objective { get; init; }

    public required IReadOnlyList<string> Assets { get; init; }

    /// <summary>The asset covariance, or null when <see cref="FactorModel"/> gives it.</summary>
    public double[][]? Covariance { get; init; }

    /// <summary>Covariance as B F Bᵀ + diag(specific): what a fitted risk model gives; thousands of assets never form n x n.</summary>
    public FactorModelSpec? FactorModel { get; init; }

    /// <summary>Names of the factor model's factors, in column order (needed by <c>factor_bounds</c>).</summary>
    public IReadOnlyList<string>? FactorNames { get; init; }

    /// <summary>
    /// Take the risk from the fitted model stored in the warehouse: its forecast at this date (the latest on or before it).
    /// <c>research optimize</c> fills <see cref="FactorModel"/> and <see cref="FactorNames"/> from it; assets are PERMNOs or tickers.
    /// </summary>
    public RiskModelReference? RiskModel { get; init; }

    public double[]? ExpectedReturns { get; init; }

    public double RiskAversion { get; init; } = 1.0;

    public double RiskFreeRate { get; init; }

    /// <summary>Benchmark weights by asset (tracking error).</summary>
    public Dictionary<string, double>? Benchmark { get; init; }

    public PortfolioConstraints Constraints { get; init; } = new();

    /// <summary>Reads and checks a spec; errors name the field.</summary>
    public static PortfolioSpec Parse(string json)
    {
        PortfolioSpec spec;
        try
        {
            spec = JsonSerializer.Deserialize<PortfolioSpec>(json, JsonOptions) ?? throw new JsonException("the spec is null");
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"Invalid optimisation spec: {e.Message}", nameof(json), e);
        }

        spec.Validate();
        return spec;
    }

    public void Validate()
    {
        var n = Assets.Count;
        if (n == 0)
        {
            throw new ArgumentException("assets: at least one asset is needed.");
        }

        if (Assets.Distinct(StringComparer.Ordinal).Count() != n)
        {
            throw new ArgumentException("assets: names must be unique.");
        }

        if ((Covariance is null ? 0 : 1) + (FactorModel is null ? 0 : 1) + (RiskModel is null ? 0 : 1) != 1)
        {
            throw new ArgumentException("covariance: give exactly one of covariance, factor_model and risk_model.");
        }

        if (FactorNames is not null && (FactorModel is null || FactorNames.Count != FactorModel.Factors || FactorNames.Distinct(StringComparer.Ordinal).Count() != FactorNames.Count))
        {
            throw new ArgumentException("factor_names: one unique name per factor of factor_model.");
        }

        foreach (var (factor, bound) in Constraints.FactorBounds ?? [])
        {
            if (RiskModel is null && (FactorNames is null || !FactorNames.Contains(factor)))
            {
                throw new ArgumentException($"factor_bounds: '{factor}' is not a factor of the model (give factor_names with factor_model, or use risk_model).");
            }

            if (bound.Min > bound.Max)
            {
                throw new ArgumentException($"factor_bounds[{factor}]: min {bound.Min} is above max {bound.Max}.");
            }
        }

        if (Constraints.MarketImpact is < 0 || Constraints.LinearCost is < 0)
        {
            throw new ArgumentException("linear_cost and market_impact must not be negative.");
        }

        if (Covariance is not null)
        {
            if (Covariance.Length != n || Covariance.Any(r => r.Length != n))
            {
                throw new ArgumentException($"covariance: must be {n}x{n} for {n} assets.");
            }

            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    if (!double.IsFinite(Covariance[i][j]) || Math.Abs(Covariance[i][j] - Covariance[j][i]) > 1e-12 * Math.Max(1, Math.Abs(Covariance[i][j])))
                    {
                        throw new ArgumentException($"covariance: entry [{i}][{j}] is not finite or not symmetric with [{j}][{i}].");
                    }
                }

                if (Covariance[i][i] < 0)
                {
                    throw new ArgumentException($"covariance: variance [{i}][{i}] of {Assets[i]} is negative ({Covariance[i][i].ToString(System.Globalization.CultureInfo.InvariantCulture)}).");
                }
            }

            // A covariance is positive semi-definite: its smallest eigenvalue may be 0 up to rounding, never below.
            // Cholesky of Σ + εI (a third of the work of an eigendecomposition) decides; the eigenvalue is only for the message.
            var sigma = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowArrays(Covariance);
            var scale = Math.Max(Enumerable.Range(0, n).Max(i => Covariance[i][i]), 1e-300);
            bool factors;
            try
            {
                _ = (sigma + MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(n) * (1e-10 * scale)).Cholesky();
                factors = true;
            }
            catch (ArgumentException)
            {
                factors = false;
            }

            if (!factors)
            {
                var smallest = sigma.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Min(e => e.Real);
                throw new ArgumentException($"covariance: not positive semi-definite (smallest eigenvalue {smallest.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)}): no set of returns has this covariance.");
            }
        }

        FactorModel?.Validate(n);

        if (ExpectedReturns is not null && ExpectedReturns.Length != n)
        {
            throw new ArgumentException($"expected_returns: {ExpectedReturns.Length} values for {n} assets.");
        }

        if (Objective is "mean_variance" or "max_sharpe" && ExpectedReturns is null)
        {
            throw new ArgumentException($"expected_returns: required by objective '{Objective}'.");
        }

        if (Objective == "tracking_error" && Benchmark is null)
        {
            throw new ArgumentException("benchmark: required by objective 'tracking_error'.");
        }

        foreach (var name in (Benchmark?.Keys ?? Enumerable.Empty<string>()).Concat(Constraints.MinWeight?.Keys ?? Enumerable.Empty<string>())
                     .Concat(Constraints.MaxWeight?.Keys ?? Enumerable.Empty<string>()).Concat(Constraints.InitialWeights?.Keys ?? Enumerable.Empty<string>())
                     .Concat(Constraints.Groups?.Values.SelectMany(g => g.Assets) ?? Enumerable.Empty<string>()))
        {
            if (!Assets.Contains(name))
            {
                throw new ArgumentException($"'{name}' appears in the spec but not in assets.");
            }
        }

        if (Objective is not ("min_variance" or "mean_variance" or "max_sharpe" or "tracking_error" or "risk_parity"))
        {
            throw new ArgumentException($"objective: '{Objective}' is not one of min_variance, mean_variance, max_sharpe, tracking_error, risk_parity.");
        }

        if (RiskAversion <= 0)
        {
            throw new ArgumentException("risk_aversion: must be positive.");
        }
    }
}

/// <summary>A factor covariance: Σ = B F Bᵀ + diag(specific_variance).</summary>
public sealed record FactorModelSpec(double[][] Exposures, double[][] FactorCovariance, double[] SpecificVariance)
{
    public int Factors => FactorCovariance.Length;

    public void Validate(int assets)
    {
        if (Exposures.Length != assets || SpecificVariance.Length != assets)
        {
            throw new ArgumentException($"factor_model: exposures and specific_variance need one entry per asset ({assets}).");
        }

        var k = FactorCovariance.Length;
        if (FactorCovariance.Any(r => r.Length != k) || Exposures.Any(r => r.Length != k))
        {
            throw new ArgumentException($"factor_model: factor_covariance must be {k}x{k} and every exposure row {k} long.");
        }

        if (SpecificVariance.Any(v => !(v >= 0)))
        {
            throw new ArgumentException("factor_model: specific_variance must be non-negative.");
        }
    }

    /// <summary>Σw without forming Σ.</summary>
    public double[] Multiply(double[] w)
    {
        var k = Factors;
        var bw = new double[k];
        for (var i = 0; i < w.Length; i++)
        {
            for (var f = 0; f < k; f++)
            {
                bw[f] += Exposures[i][f] * w[i];
            }
        }

        var fbw = new double[k];
        for (var a = 0; a < k; a++)
        {
            for (var b = 0; b < k; b++)
            {
                fbw[a] += FactorCovariance[a][b] * bw[b];
            }
        }

        var result = new double[w.Length];
        for (var i = 0; i < w.Length; i++)
        {
            var sum = SpecificVariance[i] * w[i];
            for (var f = 0; f < k; f++)
            {
                sum += Exposures[i][f] * fbw[f];
            }

            result[i] = sum;
        }

        return result;
    }
}

/// <summary>Portfolio constraints; anything left null does not constrain.</summary>
public sealed record PortfolioConstraints
{
    /// <summary>Sum of weights (null: free).</summary>
    public double? Budget { get; init; }

    public bool LongOnly { get; init; }

    /// <summary>|w_i| at most this (position limit).</summary>
    public double? MaxPosition { get; init; }

    public Dictionary<string, double>? MinWeight { get; init; }

    public Dictionary<string, double>? MaxWeight { get; init; }

    /// <summary>Σ|w_i| at most this.</summary>
    public double? GrossLeverage { get; init; }

    /// <summary>Named groups (industries, sectors) with bounds on their total weight.</summary>
    public Dictionary<string, GroupBound>? Groups { get; init; }

    /// <summary>Current weights: the reference for turnover and transaction costs (missing assets: 0).</summary>
    public Dictionary<string, double>? InitialWeights { get; init; }

    /// <summary>Σ|w_i − w0_i| at most this.</summary>
    public double? MaxTurnover { get; init; }

    /// <summary>Linear cost per unit of weight traded, charged in the objective.</summary>
    public double? LinearCost { get; init; }

    /// <summary>
    /// Market impact η: a cost η Σ (w_i − w0_i)² in the objective, the cost of trading against a linear price impact
    /// (Almgren and Chriss). The square-root law's |Δw|^1.5 is not quadratic; this is its QP-friendly approximation.
    /// </summary>
    public double? MarketImpact { get; init; }

    /// <summary>Bounds on the portfolio's factor exposures Σ_i B_ik w_i, by factor name.</summary>
    public Dictionary<string, ExposureBound>? FactorBounds { get; init; }
}

/// <summary>Bounds on one factor exposure of the portfolio.</summary>
public sealed record ExposureBound(double? Min = null, double? Max = null);

/// <summary>Where a spec's risk comes from when it names a fitted model: the forecast of a date.</summary>
public sealed record RiskModelReference(DateOnly Date);

/// <summary>A group of assets and the bounds on its total weight.</summary>
public sealed record GroupBound(IReadOnlyList<string> Assets, double? Min = null, double? Max = null);
