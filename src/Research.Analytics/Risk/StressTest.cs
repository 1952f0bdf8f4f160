using Research.Analytics.Optimization;

namespace Research.Analytics.Risk;

/// <summary>A named historical window.</summary>
public sealed record HistoricalScenario(string Name, DateOnly From, DateOnly To, string Description);

/// <summary>P&amp;L of a portfolio under a scenario, split by factor and by position (returns on one unit of capital).</summary>
/// <param name="Scenario">Scenario name.</param>
/// <param name="FactorMoves">The move of each factor in the scenario (summed daily returns, or the shock).</param>
/// <param name="ByFactor">Portfolio exposure x_k times the factor move; sums to <paramref name="Total"/>.</param>
/// <param name="ByPosition">w_i times Σ_k B_ik move_k; sums to <paramref name="Total"/>.</param>
/// <param name="Total">Scenario P&amp;L.</param>
/// <param name="Sessions">Sessions replayed (0 for a hypothetical shock).</param>
public sealed record StressResult(string Scenario, IReadOnlyDictionary<string, double> FactorMoves, IReadOnlyDictionary<string, double> ByFactor, double[] ByPosition, double Total, int Sessions);

/// <summary>
/// Stress tests through the factor model. A historical scenario replays the model's own factor-return history over a
/// window: the move of factor k is Σ_t f_k,t (additive, as the model is linear in daily returns; compounding and
/// specific returns are left out, so this is the systematic P&amp;L at today's exposures). A hypothetical scenario
/// shocks chosen factors; with propagation the other factors move by their conditional expectation given the shocks
/// under the model's covariance, E[f_o | f_s = s] = Σ_os Σ_ss⁻¹ s. P&amp;L by factor is x_k move_k with x = Bᵀw, and by
/// position w_i (B move)_i; both sum to the total exactly.
/// </summary>
public static class StressTest
{
    public static IReadOnlyList<HistoricalScenario> Named { get; } =
    [
        new("gfc", new DateOnly(2008, 9, 1), new DateOnly(2009, 3, 31), "global financial crisis: Lehman to the March 2009 low"),
        new("covid", new DateOnly(2020, 2, 1), new DateOnly(2020, 3, 31), "COVID-19 crash, February-March 2020"),
        new("2022", new DateOnly(2022, 1, 1), new DateOnly(2022, 12, 31), "2022 rate-hike bear market"),
        new("taper", new DateOnly(2013, 5, 1), new DateOnly(2013, 6, 30), "2013 taper tantrum"),
        new("volmageddon", new DateOnly(2018, 1, 26), new DateOnly(2018, 2, 8), "February 2018 volatility spike"),
    ];

    public static HistoricalScenario Scenario(string name) =>
        Named.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown scenario '{name}'; named scenarios: {string.Join(", ", Named.Select(s => s.Name))} (or give --from and --to, or --shock factor=move).");

    /// <summary>Replays factor returns (dates ascending, rows in factor order) over a scenario window.</summary>
    public static StressResult Historical(string name, IReadOnlyList<string> factors, FactorModelSpec model, double[] weights, DateOnly[] dates, double[][] factorReturns, DateOnly from, DateOnly to)
    {
        ArgumentNullException.ThrowIfNull(factors);
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(factorReturns);
        var inside = Enumerable.Range(0, dates.Length).Where(d => dates[d] >= from && dates[d] <= to).ToArray();
        if (inside.Length == 0)
        {
            var span = dates.Length == 0 ? "no factor returns" : $"factor returns from {dates[0]:yyyy-MM-dd} to {dates[^1]:yyyy-MM-dd}";
            throw new ArgumentException($"Scenario '{name}' needs factor returns between {from:yyyy-MM-dd} and {to:yyyy-MM-dd}; the model has {span}.");
        }

        if (dates[inside[0]] > from.AddDays(7) || dates[inside[^1]] < to.AddDays(-7))
        {
            throw new ArgumentException(
                $"Scenario '{name}' ({from:yyyy-MM-dd}..{to:yyyy-MM-dd}) is only partly covered: the model's factor returns there run {dates[inside[0]]:yyyy-MM-dd}..{dates[inside[^1]]:yyyy-MM-dd}.");
        }

        var moves = new double[factors.Count];
        foreach (var d in inside)
        {
            for (var k = 0; k < moves.Length; k++)
            {
                moves[k] += factorReturns[d][k];
            }
        }

        return Apply(name, factors, model, weights, moves, inside.Length);
    }

    /// <summary>Applies factor shocks; with <paramref name="propagate"/> the unshocked factors take their conditional expectation.</summary>
    public static StressResult Hypothetical(IReadOnlyList<string> factors, FactorModelSpec model, double[] weights, IReadOnlyDictionary<string, double> shocks, bool propagate)
    {
        ArgumentNullException.ThrowIfNull(factors);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(shocks);
        if (shocks.Count == 0)
        {
            throw new ArgumentException("A hypothetical scenario needs at least one shock, e.g. --shock market=-0.2.");
        }

        var shocked = new List<int>();
        var moves = new double[factors.Count];
        foreach (var (factor, move) in shocks)
        {
            var k = factors.ToList().IndexOf(factor);
            if (k < 0)
            {
                throw new ArgumentException($"Shock on unknown factor '{factor}'; the model's factors: {string.Join(", ", factors)}.");
            }

            if (!double.IsFinite(move))
            {
                throw new ArgumentException($"Shock on '{factor}' must be a finite number (a return, e.g. -0.2 for -20%).");
            }

            moves[k] = move;
            shocked.Add(k);
        }

        if (propagate)
        {
            var s = shocked.Count;
            var sigmaSS = new double[s * s];
            var rhs = new double[s];
            for (var a = 0; a < s; a++)
            {
                rhs[a] = moves[shocked[a]];
                for (var b = 0; b < s; b++)
                {
                    sigmaSS[(a * s) + b] = model.FactorCovariance[shocked[a]][shocked[b]];
                }
            }

            SmallLinearAlgebra.SolveSymmetric(sigmaSS, rhs, s);
            for (var k = 0; k < factors.Count; k++)
            {
                if (shocked.Contains(k))
                {
                    continue;
                }

                var expected = 0.0;
                for (var a = 0; a < s; a++)
                {
                    expected += model.FactorCovariance[k][shocked[a]] * rhs[a];
                }

                moves[k] = expected;
            }
        }

        var label = string.Join(", ", shocks.Select(p => $"{p.Key} {p.Value:+0.###;-0.###}")) + (propagate ? " (propagated)" : string.Empty);
        return Apply(label, factors, model, weights, moves, 0);
    }

    private static StressResult Apply(string name, IReadOnlyList<string> factors, FactorModelSpec model, double[] weights, double[] moves, int sessions)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        model.Validate(weights.Length);
        var byPosition = new double[weights.Length];
        var exposure = new double[factors.Count];
        for (var i = 0; i < weights.Length; i++)
        {
            var assetMove = 0.0;
            for (var k = 0; k < factors.Count; k++)
            {
                assetMove += model.Exposures[i][k] * moves[k];
                exposure[k] += weights[i] * model.Exposures[i][k];
            }

            byPosition[i] = weights[i] * assetMove;
        }

        var byFactor = new Dictionary<string, double>(StringComparer.Ordinal);
        var factorMoves = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var k = 0; k < factors.Count; k++)
        {
            byFactor[factors[k]] = exposure[k] * moves[k];
            factorMoves[factors[k]] = moves[k];
        }

        return new StressResult(name, factorMoves, byFactor, byPosition, byPosition.Sum(), sessions);
    }
}
