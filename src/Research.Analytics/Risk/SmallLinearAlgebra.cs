using MathNet.Numerics.LinearAlgebra;

namespace Research.Analytics.Risk;

/// <summary>Dense helpers for the risk model's small (factor-sized) systems.</summary>
internal static class SmallLinearAlgebra
{
    /// <summary>
    /// Solves A x = b for symmetric positive semi-definite A (row-major p x p) by Cholesky, in place of b. A factor
    /// with no cross-sectional spread (an all-zero column) makes A singular: a ridge of 1e-13 times the mean
    /// diagonal gives it a zero coefficient instead of failing.
    /// </summary>
    public static void SolveSymmetric(double[] a, double[] b, int p)
    {
        var trace = 0.0;
        for (var i = 0; i < p; i++)
        {
            trace += a[(i * p) + i];
        }

        var ridge = 1e-13 * Math.Max(trace / p, 1e-300);
        for (var i = 0; i < p; i++)
        {
            a[(i * p) + i] += ridge;
        }

        // Cholesky: A = L L^T, L stored in the lower triangle of a.
        for (var j = 0; j < p; j++)
        {
            var d = a[(j * p) + j];
            for (var k = 0; k < j; k++)
            {
                d -= a[(j * p) + k] * a[(j * p) + k];
            }

            d = Math.Sqrt(Math.Max(d, ridge));
            a[(j * p) + j] = d;
            for (var i = j + 1; i < p; i++)
            {
                var s = a[(i * p) + j];
                for (var k = 0; k < j; k++)
                {
                    s -= a[(i * p) + k] * a[(j * p) + k];
                }

                a[(i * p) + j] = s / d;
            }
        }

        for (var i = 0; i < p; i++)
        {
            var s = b[i];
            for (var k = 0; k < i; k++)
            {
                s -= a[(i * p) + k] * b[k];
            }

            b[i] = s / a[(i * p) + i];
        }

        for (var i = p - 1; i >= 0; i--)
        {
            var s = b[i];
            for (var k = i + 1; k < p; k++)
            {
                s -= a[(k * p) + i] * b[k];
            }

            b[i] = s / a[(i * p) + i];
        }
    }

    /// <summary>Eigenvalues (ascending) and eigenvectors (columns, same order) of a symmetric matrix.</summary>
    public static (double[] Values, Matrix<double> Vectors) Eigen(double[] symmetric, int k)
    {
        var matrix = Matrix<double>.Build.Dense(k, k, (i, j) => 0.5 * (symmetric[(i * k) + j] + symmetric[(j * k) + i]));
        var evd = matrix.Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, k).OrderBy(i => evd.EigenValues[i].Real).ToArray();
        var values = order.Select(i => evd.EigenValues[i].Real).ToArray();
        var vectors = Matrix<double>.Build.Dense(k, k, (i, j) => evd.EigenVectors[i, order[j]]);
        return (values, vectors);
    }
}
