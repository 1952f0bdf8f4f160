using MathNet.Numerics.LinearAlgebra;

namespace Research.Analytics.Optimization;

/// <summary>
/// What the ADMM iteration needs from a problem's matrices: products with P, A and Aᵀ, and solves with
/// P + σI + Aᵀ diag(r) A for a vector r of row weights (zero drops a row). A dense implementation serves small
/// problems; a factor-structured one (P = D + V F Vᵀ, sparse A) serves thousands of assets without ever forming
/// an n x n matrix.
/// </summary>
public interface IQpStructure
{
    int Variables { get; }

    int Rows { get; }

    double[] MultiplyP(double[] x);

    double[] MultiplyA(double[] x);

    double[] MultiplyATranspose(double[] y);

    /// <summary>Factorises pScale·P + diag(diagonal) + Aᵀ diag(rowWeights) A; the result solves systems with it.</summary>
    Func<double[], double[]> Factorise(double[] rowWeights, double[] diagonal, double pScale);

    /// <summary>The diagonal of P (used for data scaling).</summary>
    double[] DiagonalP();

    /// <summary>The non-zero entries of A (used for data scaling).</summary>
    IEnumerable<(int Row, int Column, double Value)> EntriesA();
}

/// <summary>Dense matrices and a Cholesky factorisation (MathNet): for up to a few hundred variables.</summary>
public sealed class DenseQpStructure(double[,] p, double[][] a) : IQpStructure
{
    private readonly Matrix<double> _p = Matrix<double>.Build.DenseOfArray(p);
    private readonly Matrix<double> _a = a.Length == 0 ? Matrix<double>.Build.Dense(0, p.GetLength(0)) : Matrix<double>.Build.DenseOfRowArrays(a);

    public int Variables => _p.RowCount;

    public int Rows => _a.RowCount;

    public double[] MultiplyP(double[] x) => [.. _p * Vector<double>.Build.DenseOfArray(x)];

    public double[] MultiplyA(double[] x) => Rows == 0 ? [] : [.. _a * Vector<double>.Build.DenseOfArray(x)];

    public double[] MultiplyATranspose(double[] y) => Rows == 0 ? new double[Variables] : [.. _a.TransposeThisAndMultiply(Vector<double>.Build.DenseOfArray(y))];

    public double[] DiagonalP() => [.. _p.Diagonal()];

    public IEnumerable<(int Row, int Column, double Value)> EntriesA()
    {
        for (var i = 0; i < Rows; i++)
        {
            for (var j = 0; j < Variables; j++)
            {
                if (_a[i, j] != 0)
                {
                    yield return (i, j, _a[i, j]);
                }
            }
        }
    }

    public Func<double[], double[]> Factorise(double[] rowWeights, double[] diagonal, double pScale)
    {
        var k = (pScale * _p) + Matrix<double>.Build.DiagonalOfDiagonalArray(diagonal);
        if (Rows > 0)
        {
            k += _a.TransposeThisAndMultiply(Matrix<double>.Build.DiagonalOfDiagonalArray(rowWeights)) * _a;
        }

        var cholesky = k.Cholesky();
        return rhs => [.. cholesky.Solve(Vector<double>.Build.DenseOfArray(rhs))];
    }
}
