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
/// </summary>
public static class PortfolioOptimizer
{
    public static PortfolioResult Optimize(PortfolioSpec spec, AdmmQpSolver? solver = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        solver ??= new AdmmQpSolver();
        return spec.Objective switch
        {
            "risk_parity" => RiskParity(spec),
            "max_sharpe" => MaxSharpe(spec, solver),
            _ => Quadratic(spec, solver),
        };
    }

    private static PortfolioResult Quadratic(PortfolioSpec spec, AdmmQpSolver solver)
    {
        var n = spec.Assets.Count;
        var c = spec.Constraints;
        var initial = Vector(spec, c.InitialWeights);
        var gross = c.GrossLeverage is not null;
        var trades = c.MaxTurnover is not null || c.LinearCost is not null;
        var sOffset = n;
        var tOffset = n + (gross ? n : 0);
        var size = tOffset + (trades ? n : 0);

        var p = new double[size, size];
        var q = new double[size];
        var scale = spec.Objective == "mean_variance" ? spec.RiskAversion : 1.0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                p[i, j] = scale * spec.Covariance[i][j];
            }
        }

        if (spec.Objective == "mean_variance")
        {
            for (var i = 0; i < n; i++)
            {
                q[i] = -spec.ExpectedReturns![i];
            }
        }
        else if (spec.Objective == "tracking_error")
        {
            var benchmark = Vector(spec, spec.Benchmark);
            for (var i = 0; i < n; i++)
            {
                q[i] = -Enumerable.Range(0, n).Sum(j => spec.Covariance[i][j] * benchmark[j]);
            }
        }

        if (c.LinearCost is { } cost)
        {
            for (var i = 0; i < n; i++)
            {
                q[tOffset + i] = cost;
            }
        }

        var rows = WeightConstraints(spec, size, kappaColumn: null);
        if (gross)
        {
            for (var i = 0; i < n; i++)
            {
                rows.Add(QpConstraint.AtMost($"gross_leverage_split[{spec.Assets[i]}]", Row(size, (i, 1), (sOffset + i, -1)), 0));
                rows.Add(QpConstraint.AtMost($"gross_leverage_split[{spec.Assets[i]}]", Row(size, (i, -1), (sOffset + i, -1)), 0));
            }

            rows.Add(QpConstraint.AtMost("gross_leverage", Row(size, [.. Enumerable.Range(sOffset, n).Select(j => (j, 1.0))]), c.GrossLeverage!.Value));
        }

        if (trades)
        {
            for (var i = 0; i < n; i++)
            {
                rows.Add(QpConstraint.AtMost($"trade_split[{spec.Assets[i]}]", Row(size, (i, 1), (tOffset + i, -1)), initial[i]));
                rows.Add(QpConstraint.AtMost($"trade_split[{spec.Assets[i]}]", Row(size, (i, -1), (tOffset + i, -1)), -initial[i]));
            }

            if (c.MaxTurnover is { } turnover)
            {
                rows.Add(QpConstraint.AtMost("max_turnover", Row(size, [.. Enumerable.Range(tOffset, n).Select(j => (j, 1.0))]), turnover));
            }
        }

        var solution = solver.Solve(new QpProblem(p, q, rows));
        Check(solution);
        return Result(spec, solution.X[..n], solution);
    }

    private static PortfolioResult MaxSharpe(PortfolioSpec spec, AdmmQpSolver solver)
    {
        var c = spec.Constraints;
        if (c.GrossLeverage is not null || c.MaxTurnover is not null || c.LinearCost is not null)
        {
            throw new ArgumentException("max_sharpe supports budget, long_only, position and weight bounds and groups; not gross_leverage, max_turnover or linear_cost.");
        }

        var budget = c.Budget ?? 1.0;
        if (budget <= 0)
        {
            throw new ArgumentException("max_sharpe needs a positive budget.");
        }

        var n = spec.Assets.Count;
        var size = n + 1;
        var p = new double[size, size];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                p[i, j] = spec.Covariance[i][j];
            }
        }

        var rows = WeightConstraints(spec with { Constraints = c with { Budget = null } }, size, kappaColumn: n);
        rows.Add(QpConstraint.Equal("budget", Row(size, [.. Enumerable.Range(0, n).Select(j => (j, 1.0)), (n, -budget)]), 0));
        rows.Add(QpConstraint.Equal("excess_return_normalisation", Row(size, [.. Enumerable.Range(0, n).Select(j => (j, spec.ExpectedReturns![j] - spec.RiskFreeRate))]), 1));
        rows.Add(QpConstraint.AtLeast("scale_nonnegative", Row(size, (n, 1)), 0));
        var solution = solver.Solve(new QpProblem(p, new double[size], rows));
        if (solution.Status == QpStatus.PrimalInfeasible)
        {
            throw new InfeasiblePortfolioException($"No portfolio within the constraints has a positive expected excess return over {spec.RiskFreeRate}; the maximum Sharpe ratio is not defined.");
        }

        Check(solution);
        var kappa = solution.X[n];
        return Result(spec, [.. solution.X[..n].Select(v => v / kappa)], solution);
    }

    /// <summary>Budget, long-only, position and weight bounds, groups; bounds multiplied by the κ column when homogenised.</summary>
    private static List<QpConstraint> WeightConstraints(PortfolioSpec spec, int size, int? kappaColumn)
    {
        var n = spec.Assets.Count;
        var c = spec.Constraints;
        var rows = new List<QpConstraint>();

        void Bound(string name, (int, double)[] terms, double? min, double? max)
        {
            if (kappaColumn is { } k)
            {
                // a ≤ row·w ≤ b with w = y/κ becomes row·y − aκ ≥ 0 and row·y − bκ ≤ 0.
                if (min is { } lo)
                {
                    rows.Add(QpConstraint.AtLeast(name, Row(size, [.. terms, (k, -lo)]), 0));
                }

                if (max is { } hi)
                {
                    rows.Add(QpConstraint.AtMost(name, Row(size, [.. terms, (k, -hi)]), 0));
                }

                return;
            }

            rows.Add(new QpConstraint(name, Row(size, terms), min ?? double.NegativeInfinity, max ?? double.PositiveInfinity));
        }

        if (c.Budget is { } budget)
        {
            Bound("budget", [.. Enumerable.Range(0, n).Select(j => (j, 1.0))], budget, budget);
        }

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
            Bound($"group[{group}]", [.. bound.Assets.Select(a => (IndexOf(spec, a), 1.0))], bound.Min, bound.Max);
        }

        return rows;
    }

    private static PortfolioResult RiskParity(PortfolioSpec spec)
    {
        var c = spec.Constraints;
        if (c.GrossLeverage is not null || c.MaxTurnover is not null || c.LinearCost is not null || c.Groups is not null || c.MinWeight is not null || c.MaxWeight is not null || c.MaxPosition is not null)
        {
            throw new ArgumentException("risk_parity finds the long-only, fully invested portfolio with equal risk contributions; it takes no other constraints.");
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
        var scale = (c.Budget ?? 1.0);
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
        var sw = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, n).Sum(j => spec.Covariance[i][j] * w[j])).ToArray();
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

    private static int IndexOf(PortfolioSpec spec, string asset) => spec.Assets.ToList().IndexOf(asset);

    private static double[] Row(int size, params (int Column, double Value)[] terms)
    {
        var row = new double[size];
        foreach (var (column, value) in terms)
        {
            row[column] += value;
        }

        return row;
    }
}
