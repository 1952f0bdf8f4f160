using MathNet.Numerics.LinearAlgebra;

namespace Research.Analytics.Attribution;

/// <summary>
/// Ordinary least squares y = X b + e with three covariance estimators for b, the conventions stated once:
/// <list type="bullet">
/// <item>Classic: s² (X'X)⁻¹ with s² = e'e / (n − k).</item>
/// <item>HC3 (MacKinnon and White 1985): (X'X)⁻¹ X' diag(e_t² / (1 − h_t)²) X (X'X)⁻¹, h_t the leverage (statsmodels' <c>cov_type='HC3'</c>).</item>
/// <item>Newey-West (1987) with Bartlett weights w_l = 1 − l / (L + 1) for lags l = 1..L and no small-sample factor:
/// (X'X)⁻¹ [Σ e_t² x_t x_t' + Σ_l w_l Σ_t e_t e_{t−l} (x_t x_{t−l}' + x_{t−l} x_t')] (X'X)⁻¹
/// (statsmodels' <c>cov_type='HAC', cov_kwds={'maxlags': L, 'use_correction': False}</c>).</item>
/// </list>
/// Solved by a QR factorisation of X (not the normal equations). R² is 1 − e'e / Σ(y − ȳ)² (X carries the intercept column).
/// </summary>
public sealed record OlsFit(
    IReadOnlyList<double> Coefficients,
    IReadOnlyList<double> ClassicErrors,
    IReadOnlyList<double> Hc3Errors,
    IReadOnlyList<double> NeweyWestErrors,
    int NeweyWestLags,
    double RSquared,
    double AdjustedRSquared,
    double ResidualStandardDeviation,
    int Observations)
{
    /// <summary>t-statistics from the Newey-West errors.</summary>
    public IReadOnlyList<double> NeweyWestT => [.. Coefficients.Select((b, i) => b / NeweyWestErrors[i])];

    /// <param name="y">The response, n values.</param>
    /// <param name="columns">The regressors, k columns of n values each (include a column of ones for an intercept).</param>
    /// <param name="neweyWestLags">L for the Newey-West errors (0: White's heteroskedasticity-robust HC0).</param>
    public static OlsFit Fit(IReadOnlyList<double> y, IReadOnlyList<double[]> columns, int neweyWestLags)
    {
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(columns);
        var (n, k) = (y.Count, columns.Count);
        if (columns.Any(c => c.Length != n))
        {
            throw new ArgumentException($"Every regressor needs {n} values, one per observation.", nameof(columns));
        }

        if (n <= k)
        {
            throw new ArgumentException($"{n} observations cannot fit {k} coefficients: give a longer period.", nameof(y));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(neweyWestLags);
        var x = Matrix<double>.Build.Dense(n, k, (t, j) => columns[j][t]);
        var response = Vector<double>.Build.DenseOfEnumerable(y);
        var qr = x.QR();
        if (Enumerable.Range(0, k).Any(j => Math.Abs(qr.R[j, j]) < 1e-12 * Math.Max(1, qr.R.Diagonal().AbsoluteMaximum())))
        {
            throw new ArgumentException("The regressors are collinear (a factor is constant or a copy of another over this period).", nameof(columns));
        }

        var b = qr.Solve(response);
        var e = response - (x * b);
        var rInverse = qr.R.Inverse();
        var xtxInverse = rInverse * rInverse.Transpose();
        var sse = e.DotProduct(e);
        var mean = response.Average();
        var sst = response.Sum(v => (v - mean) * (v - mean));
        var s2 = sse / (n - k);

        // HC3: leverage h_t = x_t' (X'X)⁻¹ x_t.
        var hc3Meat = Matrix<double>.Build.Dense(k, k);
        var whiteMeat = Matrix<double>.Build.Dense(k, k);
        for (var t = 0; t < n; t++)
        {
            var row = x.Row(t);
            var h = row.DotProduct(xtxInverse * row);
            var outer = row.OuterProduct(row);
            hc3Meat += outer * (e[t] * e[t] / ((1 - h) * (1 - h)));
            whiteMeat += outer * (e[t] * e[t]);
        }

        var nwMeat = whiteMeat;
        for (var l = 1; l <= neweyWestLags; l++)
        {
            var weight = 1 - (l / (double)(neweyWestLags + 1));
            var sum = Matrix<double>.Build.Dense(k, k);
            for (var t = l; t < n; t++)
            {
                var cross = x.Row(t).OuterProduct(x.Row(t - l)) * (e[t] * e[t - l]);
                sum += cross + cross.Transpose();
            }

            nwMeat += sum * weight;
        }

        double[] Errors(Matrix<double> covariance) => [.. Enumerable.Range(0, k).Select(j => Math.Sqrt(covariance[j, j]))];
        return new OlsFit(
            [.. b],
            Errors(xtxInverse * s2),
            Errors(xtxInverse * hc3Meat * xtxInverse),
            Errors(xtxInverse * nwMeat * xtxInverse),
            neweyWestLags,
            sst > 0 ? 1 - (sse / sst) : double.NaN,
            sst > 0 ? 1 - ((sse / (n - k)) / (sst / (n - 1))) : double.NaN,
            Math.Sqrt(s2),
            n);
    }
}
