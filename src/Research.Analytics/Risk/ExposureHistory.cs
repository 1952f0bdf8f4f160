using Research.Analytics.Factors;

namespace Research.Analytics.Risk;

/// <summary>A book's factor exposures on one snapshot date, against the cap-weighted universe of that date.</summary>
/// <param name="Portfolio">x = Bᵀw over the positions the snapshot covers.</param>
/// <param name="Benchmark">The cap-weighted universe's exposures on that date (zeros when no benchmark was asked for).</param>
/// <param name="Uncovered">Sum of |w| of the positions without exposures on that date (not yet listed, delisted, no data).</param>
public sealed record ExposurePoint(DateOnly Date, int Positions, double[] Portfolio, double[] Benchmark, double Uncovered);

/// <summary>A stock behind an exposure: its weights, its loading on the factor and the exposure it contributes (w·B).</summary>
public sealed record ExposureDrillRow(int Permno, string Label, double Weight, double BenchmarkWeight, double Loading)
{
    public double Contribution => Weight * Loading;

    public double BenchmarkContribution => BenchmarkWeight * Loading;

    public double Active => (Weight - BenchmarkWeight) * Loading;
}

/// <summary>
/// Exposures over time, for the factor heatmap: on each stored exposure snapshot (the risk model's month ends) the book's
/// exposures x = Bᵀw with B from that snapshot, the cap-weighted universe's, and the stocks behind one factor's exposure.
/// A book without weights for a date (a backtest before its first position) has no point there. Weights are fractions
/// of capital; industries in weight, styles in cross-sectional standard deviations.
/// </summary>
public static class ExposureHistory
{
    /// <summary>
    /// The exposures of <paramref name="book"/> (PERMNO → weight) on <paramref name="snapshot"/>'s date, and of
    /// <paramref name="benchmark"/> (for example <see cref="CapWeights"/> of the same snapshot; null: none).
    /// </summary>
    public static ExposurePoint At(IReadOnlyList<string> factors, StoredSnapshot snapshot, IReadOnlyDictionary<int, double> book, IReadOnlyDictionary<int, double>? benchmark)
    {
        ArgumentNullException.ThrowIfNull(factors);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(book);
        var loadings = RiskModelStore.Loadings(factors, snapshot);
        var (portfolio, positions, uncovered) = Exposures(loadings, book, factors.Count);
        var bench = benchmark is null ? new double[factors.Count] : Exposures(loadings, benchmark, factors.Count).X;
        return new ExposurePoint(snapshot.Date, positions, portfolio, bench, uncovered);
    }

    private static (double[] X, int Covered, double Uncovered) Exposures(Dictionary<int, double[]> loadings, IReadOnlyDictionary<int, double> book, int factors)
    {
        var x = new double[factors];
        var (covered, uncovered) = (0, 0.0);
        foreach (var (permno, weight) in book)
        {
            if (!loadings.TryGetValue(permno, out var row))
            {
                uncovered += Math.Abs(weight);
                continue;
            }

            covered++;
            for (var k = 0; k < row.Length; k++)
            {
                x[k] += weight * row[k];
            }
        }

        return (x, covered, uncovered);
    }

    /// <summary>
    /// The stocks behind <paramref name="factor"/>'s exposure on the snapshot's date: every stock of the book or of the
    /// benchmark with a non-zero loading, largest |active contribution| first. Their contributions sum to
    /// the point's portfolio, benchmark and active exposures.
    /// </summary>
    public static IReadOnlyList<ExposureDrillRow> Drill(IReadOnlyList<string> factors, StoredSnapshot snapshot, IReadOnlyDictionary<int, double> book, IReadOnlyDictionary<int, double>? benchmark, string factor)
    {
        ArgumentNullException.ThrowIfNull(factors);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(book);
        var k = factors.ToList().IndexOf(factor);
        if (k < 0)
        {
            throw new ArgumentException($"factor: '{factor}' is not one of the model's factors ({string.Join(", ", factors)}).");
        }

        var loadings = RiskModelStore.Loadings(factors, snapshot);
        var caps = benchmark ?? new Dictionary<int, double>();
        var labels = snapshot.Stocks.ToDictionary(s => s.Permno, s => s.Label);
        return [.. book.Keys.Union(caps.Keys)
            .Where(p => loadings.TryGetValue(p, out var row) && row[k] != 0)
            .Select(p => new ExposureDrillRow(p, labels.GetValueOrDefault(p, string.Empty), book.GetValueOrDefault(p), caps.GetValueOrDefault(p), loadings[p][k]))
            .OrderByDescending(r => Math.Abs(r.Active)).ThenBy(r => r.Permno)];
    }

    /// <summary>Cap weights of the snapshot's stocks (size base, the market cap the model used; non-positive caps left out).</summary>
    public static Dictionary<int, double> CapWeights(StoredSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var covered = snapshot.Stocks.Where(s => s.SizeBase > 0 && double.IsFinite(s.SizeBase)).ToList();
        var total = covered.Sum(s => s.SizeBase);
        return total > 0 ? covered.ToDictionary(s => s.Permno, s => s.SizeBase / total) : [];
    }
}
