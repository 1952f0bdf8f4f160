namespace Research.Analytics.Optimization;

/// <summary>The result of an optimisation: weights by asset and the diagnostics a quant checks.</summary>
public sealed record PortfolioResult(
    IReadOnlyDictionary<string, double> Weights,
    string Objective,
    string Status,
    double Volatility,
    double? ExpectedReturn,
    IReadOnlyDictionary<string, double> RiskContributions,
    int Iterations,
    double PrimalResidual,
    double DualResidual,
    double ComplementarityResidual);

/// <summary>The constraints cannot all hold; <see cref="Constraints"/> names the ones that conflict.</summary>
public sealed class InfeasiblePortfolioException : Exception
{
    public InfeasiblePortfolioException()
    {
    }

    public InfeasiblePortfolioException(string message)
        : base(message)
    {
    }

    public InfeasiblePortfolioException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InfeasiblePortfolioException(IReadOnlyList<string> constraints)
        : base($"The constraints cannot all hold; these conflict: {string.Join(", ", constraints)}.")
    {
        Constraints = constraints;
    }

    public IReadOnlyList<string> Constraints { get; } = [];
}

/// <summary>
/// Turns a <see cref="PortfolioSpec"/> into a QP for <see cref="AdmmQpSolver"/> (or, for risk parity, a Newton
/// solve) and reports weights with diagnostics. Auxiliary variables: s ≥ |w| for gross leverage, t ≥ |w − w0| for
/// turnover and linear costs. Maximum Sharpe uses the homogenised problem (Cornuejols and Tütüncü): minimise yᵀΣy
/// subject to (μ − r_f)ᵀy = 1 and the linear constraints scaled by κ = 1ᵀy / budget, then w = y / κ.
/// Constraints are built once as sparse rows; with a <c>factor_model</c> the solver works on
/// <see cref="FactorQpStructure"/> (no n x n matrix), with a <c>covariance</c> on the dense structure.
/// </summary>
public static class PortfolioOptimizer
{
    private sealed record Row(string Name, (int Column, double Value)[] Terms, double Lower, double Upper);

    public static PortfolioResult Optimize(PortfolioSpec spec, AdmmQpSolver? solver = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (spec.RiskModel is not null)
        {
            throw new ArgumentException("risk_model: resolve it against the warehouse first (research optimize does), which fills factor_model.");
        }

        // Without an explicit solver, large quadratic problems try the interior-point method first.
        var interiorPoint = solver is null;
        solver ??= new AdmmQpSolver();
        return spec.Objective switch
        {
            "risk_parity" => RiskParity(spec),
            "max_sharpe" => MaxSharpe(spec, solver),
            _ => Quadratic(spec, solver, interiorPoint),
        };
    }

    /// <summary>Σw for the spec's covariance, dense or factor.</summary>
    public static double[] CovarianceTimes(PortfolioSpec spec, double[] w)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(w);
        if (spec.FactorModel is { } model)
        {
            return model.Multiply(w);
        }

        var n = w.Length;
        return [.. Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Sum(j => spec.Covariance![i][j] * w[j]))];
    }

    private static PortfolioResult Quadratic(PortfolioSpec spec, AdmmQpSolver solver, bool interiorPoint)
    {
        var n = spec.Assets.Count;
        var c = spec.Constraints;
        var initial = Vector(spec, c.InitialWeights);
        var gross = c.GrossLeverage is not null;
        var trades = c.MaxTurnover is not null || c.LinearCost is not null;
        var sOffset = n;
        var tOffset = n + (gross ? n : 0);
        var size = tOffset + (trades ? n : 0);

        var q = new double[size];
        var scale = spec.Objective == "mean_variance" ? spec.RiskAversion : 1.0;
        if (spec.Objective == "mean_variance")
        {
            for (var i = 0; i < n; i++)
            {
                q[i] = -spec.ExpectedReturns![i];
            }
        }
        else if (spec.Objective == "tracking_error")
        {
            var sb = CovarianceTimes(spec, Vector(spec, spec.Benchmark));
            for (var i = 0; i < n; i++)
            {
                q[i] = -sb[i];
            }
        }

        if (c.LinearCost is { } cost)
        {
            for (var i = 0; i < n; i++)
            {
                q[tOffset + i] = cost;
            }
        }

        // η Σ (w − w0)² = η wᵀw − 2η w0ᵀw + const: 2η on P's diagonal (added in Build) and −2η w0 in q.
        var impact = c.MarketImpact ?? 0.0;
        for (var i = 0; i < n; i++)
        {
            q[i] -= 2 * impact * initial[i];
        }

        var rows = WeightConstraints(spec, kappaColumn: null);
        if (gross)
        {
            for (var i = 0; i < n; i++)
            {
                rows.Add(new Row($"gross_leverage_split[{spec.Assets[i]}]", [(i, 1), (sOffset + i, -1)], double.NegativeInfinity, 0));
                rows.Add(new Row($"gross_leverage_split[{spec.Assets[i]}]", [(i, -1), (sOffset + i, -1)], double.NegativeInfinity, 0));
            }

            rows.Add(new Row("gross_leverage", [.. Enumerable.Range(sOffset, n).Select(j => (j, 1.0))], double.NegativeInfinity, c.GrossLeverage!.Value));
        }

        if (trades)
        {
            for (var i = 0; i < n; i++)
            {
                rows.Add(new Row($"trade_split[{spec.Assets[i]}]", [(i, 1), (tOffset + i, -1)], double.NegativeInfinity, initial[i]));
                rows.Add(new Row($"trade_split[{spec.Assets[i]}]", [(i, -1), (tOffset + i, -1)], double.NegativeInfinity, -initial[i]));
            }

            if (c.MaxTurnover is { } turnover)
            {
                rows.Add(new Row("max_turnover", [.. Enumerable.Range(tOffset, n).Select(j => (j, 1.0))], double.NegativeInfinity, turnover));
            }
        }

        var solution = SolveLarge(Build(spec, scale, size, q, rows, 2 * impact), solver, interiorPoint);
        Check(solution);
        return Result(spec, solution.X[..n], solution);
    }

    /// <summary>Problems from <see cref="InteriorPointThreshold"/> variables up go to the interior-point method first (tens of iterations); ADMM takes the rest and anything the IPM does not solve to the same residuals (it also names conflicting constraints).</summary>
    private static QpSolution SolveLarge(QpProblem problem, AdmmQpSolver solver, bool interiorPoint)
    {
        if (interiorPoint && problem.Variables >= InteriorPointThreshold)
        {
            var ipm = new InteriorPointQpSolver().Solve(problem);
            if (ipm.Status == QpStatus.Solved)
            {
                return ipm;
            }
        }

        return solver.Solve(problem);
    }

    /// <summary>Variables from which the interior-point method is tried first.</summary>
    public const int InteriorPointThreshold = 1000;

    /// <summary>The QP over the spec's covariance scaled by <paramref name="scale"/> on the first n variables (zero on auxiliaries).</summary>
    private static QpProblem Build(PortfolioSpec spec, double scale, int size, double[] q, List<Row> rows, double extraDiagonal = 0.0)
    {
        var n = spec.Assets.Count;
        var names = rows.Select(r => r.Name).ToList();
        var lower = rows.Select(r => r.Lower).ToArray();
        var upper = rows.Select(r => r.Upper).ToArray();
        if (spec.FactorModel is { } model)
        {
            var k = model.Factors;
            var d = new double[size];
            var v = new double[size, k];
            for (var i = 0; i < n; i++)
            {
                d[i] = (scale * model.SpecificVariance[i]) + extraDiagonal;
                for (var f = 0; f < k; f++)
                {
                    v[i, f] = model.Exposures[i][f];
                }
            }

            var fm = new double[k, k];
            for (var a = 0; a < k; a++)
            {
                for (var b = 0; b < k; b++)
                {
                    fm[a, b] = scale * model.FactorCovariance[a][b];
                }
            }

            var sparse = rows.Select(r => (r.Terms.Select(t => t.Column).ToArray(), r.Terms.Select(t => t.Value).ToArray())).ToList();
            return new QpProblem(new FactorQpStructure(d, v, fm, sparse), q, names, lower, upper);
        }

        var p = new double[size, size];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                p[i, j] = scale * spec.Covariance![i][j];
            }

            p[i, i] += extraDiagonal;
        }

        var dense = rows.Select(r =>
        {
            var row = new double[size];
            foreach (var (column, value) in r.Terms)
            {
                row[column] += value;
            }

            return row;
        }).ToArray();
        return new QpProblem(new DenseQpStructure(p, dense), q, names, lower, upper);
    }

    private static PortfolioResult MaxSharpe(PortfolioSpec spec, AdmmQpSolver solver)
    {
        var c = spec.Constraints;
        if (c.GrossLeverage is not null || c.MaxTurnover is not null || c.LinearCost is not null || c.MarketImpact is not null)
        {
            throw new ArgumentException("max_sharpe supports budget, long_only, position and weight bounds, groups and factor bounds; not gross_leverage, max_turnover, linear_cost or market_impact.");
        }

        var budget = c.Budget ?? 1.0;
        if (budget <= 0)
        {
            throw new ArgumentException("max_sharpe needs a positive budget.");
        }

        var n = spec.Assets.Count;
        var size = n + 1;
        var rows = WeightConstraints(spec with { Constraints = c with { Budget = null } }, kappaColumn: n);
        rows.Add(new Row("budget", [.. Enumerable.Range(0, n).Select(j => (j, 1.0)), (n, -budget)], 0, 0));
        rows.Add(new Row("excess_return_normalisation", [.. Enumerable.Range(0, n).Select(j => (j, spec.ExpectedReturns![j] - spec.RiskFreeRate))], 1, 1));
        rows.Add(new Row("scale_nonnegative", [(n, 1)], 0, double.PositiveInfinity));
        var solution = solver.Solve(Build(spec, 1.0, size, new double[size], rows));
        if (solution.Status == QpStatus.PrimalInfeasible)
        {
            throw new InfeasiblePortfolioException($"No portfolio within the constraints has a positive expected excess return over {spec.RiskFreeRate}; the maximum Sharpe ratio is not defined.");
        }

        Check(solution);
        var kappa = solution.X[n];
        return Result(spec, [.. solution.X[..n].Select(v => v / kappa)], solution);
    }

    /// <summary>Budget, long-only, position and weight bounds, groups; bounds multiplied by the κ column when homogenised.</summary>
    private static List<Row> WeightConstraints(PortfolioSpec spec, int? kappaColumn)
    {
        var n = spec.Assets.Count;
        var c = spec.Constraints;
        var rows = new List<Row>();

        void Bound(string name, (int, double)[] terms, double? min, double? max)
        {
            if (kappaColumn is { } k)
            {
                // a ≤ row·w ≤ b with w = y/κ becomes row·y − aκ ≥ 0 and row·y − bκ ≤ 0.
                if (min is { } lo)
                {
                    rows.Add(new Row(name, [.. terms, (k, -lo)], 0, double.PositiveInfinity));
                }

                if (max is { } hi)
                {
                    rows.Add(new Row(name, [.. terms, (k, -hi)], double.NegativeInfinity, 0));
                }

                return;
            }

            rows.Add(new Row(name, terms, min ?? double.NegativeInfinity, max ?? double.PositiveInfinity));
        }

        if (c.Budget is { } budget)
        {
            Bound("budget", [.. Enumerable.Range(0, n).Select(j => (j, 1.0))], budget, budget);
        }

        var index = spec.Assets.Select((a, i) => (a, i)).ToDictionary(p => p.a, p => p.i, StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            var asset = spec.Assets[i];
            double? lo = c.LongOnly ? 0 : null;
            double? hi = null;
            if (c.MaxPosition is { } limit)
            {
                lo = Math.Max(lo ?? double.NegativeInfinity, -limit);
                hi = limit;
            }

            if (c.MinWeight?.TryGetValue(asset, out var min) == true)
            {
                lo = Math.Max(lo ?? double.NegativeInfinity, min);
            }

            if (c.MaxWeight?.TryGetValue(asset, out var max) == true)
            {
                hi = Math.Min(hi ?? double.PositiveInfinity, max);
            }

            if (lo is not null || hi is not null)
            {
                var name = c.LongOnly && lo == 0 && hi is null ? $"long_only[{asset}]" : $"weight_bounds[{asset}]";
                Bound(name, [(i, 1.0)], lo, hi);
            }
        }

        foreach (var (group, bound) in c.Groups ?? [])
        {
            Bound($"group[{group}]", [.. bound.Assets.Select(a => (index[a], 1.0))], bound.Min, bound.Max);
        }

        foreach (var (factor, bound) in c.FactorBounds ?? [])
        {
            var k = spec.FactorNames!.ToList().IndexOf(factor);
            Bound($"factor_exposure[{factor}]", [.. Enumerable.Range(0, n).Select(i => (i, spec.FactorModel!.Exposures[i][k])).Where(t => t.Item2 != 0)], bound.Min, bound.Max);
        }

        return rows;
    }

    private static PortfolioResult RiskParity(PortfolioSpec spec)
    {
        var c = spec.Constraints;
        if (c.GrossLeverage is not null || c.MaxTurnover is not null || c.LinearCost is not null || c.MarketImpact is not null || c.FactorBounds is not null || c.Groups is not null || c.MinWeight is not null || c.MaxWeight is not null || c.MaxPosition is not null)
        {
            throw new ArgumentException("risk_parity finds the long-only, fully invested portfolio with equal risk contributions; it takes no other constraints.");
        }

        if (spec.Covariance is null)
        {
            throw new ArgumentException("risk_parity needs a covariance matrix (not a factor_model) in this version.");
        }

        // Newton on the strictly convex f(y) = ½ yᵀΣy − (1/n) Σ ln y_i (Spinu 2013); w = y / Σy has equal risk contributions.
        var n = spec.Assets.Count;
        var sigma = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfRowArrays(spec.Covariance);
        var y = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(n, i => 1 / Math.Sqrt(spec.Covariance[i][i]));
        var b = 1.0 / n;
        var iterations = 0;
        for (; iterations < 200; iterations++)
        {
            var sy = sigma * y;
            var gradient = sy - y.Map(v => b / v);
            if (gradient.InfinityNorm() < 1e-15)
            {
                break;
            }

            var hessian = sigma + MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DiagonalOfDiagonalVector(y.Map(v => b / (v * v)));
            var step = hessian.Cholesky().Solve(gradient);
            var t = 1.0;
            while (Enumerable.Range(0, n).Any(i => y[i] - (t * step[i]) <= 0))
            {
                t /= 2;
            }

            y -= t * step;
        }

        var w = y / y.Sum();
        var scale = c.Budget ?? 1.0;
        var weights = w.Select(v => v * scale).ToArray();
        var solution = new QpSolution(QpStatus.Solved, weights, [], double.NaN, iterations, false, 0, 0, 0, []);
        return Result(spec, weights, solution);
    }

    private static void Check(QpSolution solution)
    {
        switch (solution.Status)
        {
            case QpStatus.PrimalInfeasible:
                throw new InfeasiblePortfolioException(solution.ConflictingConstraints.Distinct().ToList());
            case QpStatus.DualInfeasible:
                throw new InvalidOperationException("The problem is unbounded: the objective can improve without limit (e.g. mean-variance without a budget and a singular covariance).");
            case QpStatus.MaxIterations:
                throw new InvalidOperationException($"The solver did not converge in {solution.Iterations} iterations (primal residual {solution.PrimalResidual:E2}, dual {solution.DualResidual:E2}).");
        }
    }

    private static PortfolioResult Result(PortfolioSpec spec, double[] w, QpSolution solution)
    {
        var n = w.Length;
        var sw = CovarianceTimes(spec, w);
        var variance = Enumerable.Range(0, n).Sum(i => w[i] * sw[i]);
        var volatility = Math.Sqrt(Math.Max(variance, 0));
        var contributions = spec.Assets.Select((a, i) => (a, volatility > 0 ? w[i] * sw[i] / volatility : 0)).ToDictionary(p => p.a, p => p.Item2, StringComparer.Ordinal);
        double? expected = spec.ExpectedReturns is null ? null : Enumerable.Range(0, n).Sum(i => spec.ExpectedReturns[i] * w[i]);
        return new PortfolioResult(spec.Assets.Select((a, i) => (a, w[i])).ToDictionary(p => p.a, p => p.Item2, StringComparer.Ordinal),
            spec.Objective, solution.Polished ? "solved (polished)" : "solved", volatility, expected, contributions, solution.Iterations,
            solution.PrimalResidual, solution.DualResidual, solution.ComplementarityResidual);
    }

    private static double[] Vector(PortfolioSpec spec, Dictionary<string, double>? byAsset) =>
        [.. spec.Assets.Select(a => byAsset is not null && byAsset.TryGetValue(a, out var v) ? v : 0.0)];
}
