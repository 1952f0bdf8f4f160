using MathNet.Numerics.LinearAlgebra;

namespace Research.Analytics.Optimization;

/// <summary>
/// A QP whose quadratic term has factor structure, P = diag(d) + V F Vᵀ (n variables, k factors), and whose
/// constraints are sparse rows. The ADMM matrix P + σI + Aᵀ diag(r) A is "small blocks plus low rank": rows with
/// at most <see cref="SmallRow"/> non-zeros (bounds, |w| and |w − w0| splits) only couple a few variables and are
/// gathered into small dense blocks along the diagonal; the factor part V F Vᵀ and the long rows (budget, groups,
/// factor exposures, turnover sums) form a rank-r update handled by the Woodbury identity
/// M⁻¹ = B⁻¹ − B⁻¹W C (I + WᵀB⁻¹W C)⁻¹ WᵀB⁻¹. Factorising costs O(n r²) and each solve O(n r); no n x n
/// matrix is ever formed.
/// </summary>
public sealed class FactorQpStructure : IQpStructure
{
    public const int SmallRow = 3;

    private readonly double[] _d;
    private readonly double[,] _v;
    private readonly Matrix<double> _f;
    private readonly (int[] Index, double[] Value)[] _rows;
    private readonly int[][] _blocks;
    private readonly int[] _blockOf;
    private readonly int[] _smallRows;
    private readonly int[] _longRows;

    public FactorQpStructure(double[] specificVariance, double[,] exposures, double[,] factorCovariance, IReadOnlyList<(int[] Index, double[] Value)> rows)
    {
        ArgumentNullException.ThrowIfNull(specificVariance);
        ArgumentNullException.ThrowIfNull(exposures);
        ArgumentNullException.ThrowIfNull(factorCovariance);
        ArgumentNullException.ThrowIfNull(rows);
        _d = specificVariance;
        _v = exposures;
        _f = Matrix<double>.Build.DenseOfArray(factorCovariance);
        _rows = [.. rows];
        var n = _d.Length;

        // Union-find over variables joined by short rows; a component larger than 8 sends its rows to the low-rank part.
        var parent = Enumerable.Range(0, n).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        var small = new List<int>();
        var longRows = new List<int>();
        for (var r = 0; r < _rows.Length; r++)
        {
            if (_rows[r].Index.Length <= SmallRow)
            {
                small.Add(r);
                foreach (var j in _rows[r].Index.Skip(1))
                {
                    parent[Find(j)] = Find(_rows[r].Index[0]);
                }
            }
            else
            {
                longRows.Add(r);
            }
        }

        var groups = Enumerable.Range(0, n).GroupBy(Find).Select(g => g.ToArray()).ToList();
        if (groups.Any(g => g.Length > 8))
        {
            throw new ArgumentException("Short constraint rows couple more than 8 variables; state such constraints as long rows.", nameof(rows));
        }

        _blocks = [.. groups];
        _blockOf = new int[n];
        for (var b = 0; b < _blocks.Length; b++)
        {
            foreach (var i in _blocks[b])
            {
                _blockOf[i] = b;
            }
        }

        _smallRows = [.. small];
        _longRows = [.. longRows];
    }

    public int Variables => _d.Length;

    public int Rows => _rows.Length;

    public int Factors => _f.RowCount;

    public double[] MultiplyP(double[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var n = Variables;
        var k = Factors;
        var vx = new double[k];
        for (var i = 0; i < n; i++)
        {
            for (var f = 0; f < k; f++)
            {
                vx[f] += _v[i, f] * x[i];
            }
        }

        var fvx = _f * Vector<double>.Build.DenseOfArray(vx);
        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sum = _d[i] * x[i];
            for (var f = 0; f < k; f++)
            {
                sum += _v[i, f] * fvx[f];
            }

            result[i] = sum;
        }

        return result;
    }

    public double[] MultiplyA(double[] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var result = new double[_rows.Length];
        for (var r = 0; r < _rows.Length; r++)
        {
            var (index, value) = _rows[r];
            double sum = 0;
            for (var j = 0; j < index.Length; j++)
            {
                sum += value[j] * x[index[j]];
            }

            result[r] = sum;
        }

        return result;
    }

    public double[] MultiplyATranspose(double[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        var result = new double[Variables];
        for (var r = 0; r < _rows.Length; r++)
        {
            var (index, value) = _rows[r];
            for (var j = 0; j < index.Length; j++)
            {
                result[index[j]] += value[j] * y[r];
            }
        }

        return result;
    }

    public double[] DiagonalP()
    {
        var k = Factors;
        var result = new double[Variables];
        for (var i = 0; i < result.Length; i++)
        {
            var sum = _d[i];
            for (var a = 0; a < k; a++)
            {
                for (var b = 0; b < k; b++)
                {
                    sum += _v[i, a] * _f[a, b] * _v[i, b];
                }
            }

            result[i] = sum;
        }

        return result;
    }

    public IEnumerable<(int Row, int Column, double Value)> EntriesA()
    {
        for (var r = 0; r < _rows.Length; r++)
        {
            for (var j = 0; j < _rows[r].Index.Length; j++)
            {
                yield return (r, _rows[r].Index[j], _rows[r].Value[j]);
            }
        }
    }

    public Func<double[], double[]> Factorise(double[] rowWeights, double[] diagonal, double pScale)
    {
        ArgumentNullException.ThrowIfNull(rowWeights);
        ArgumentNullException.ThrowIfNull(diagonal);
        var n = Variables;

        // Small blocks: pScale·diag(d) + diag(diagonal) + Σ_short rows r a_r a_rᵀ, inverted block by block.
        var blockMatrices = _blocks.Select(b => Matrix<double>.Build.Dense(b.Length, b.Length, (i, j) => i == j ? (pScale * _d[b[i]]) + diagonal[b[i]] : 0)).ToArray();
        foreach (var r in _smallRows)
        {
            if (rowWeights[r] == 0)
            {
                continue;
            }

            var (index, value) = _rows[r];
            var block = _blocks[_blockOf[index[0]]];
            var matrix = blockMatrices[_blockOf[index[0]]];
            for (var a = 0; a < index.Length; a++)
            {
                for (var b = 0; b < index.Length; b++)
                {
                    matrix[Array.IndexOf(block, index[a]), Array.IndexOf(block, index[b])] += rowWeights[r] * value[a] * value[b];
                }
            }
        }

        var inverses = blockMatrices.Select(m => m.Inverse()).ToArray();
        double[] ApplyBlockInverse(double[] v)
        {
            var result = new double[n];
            for (var b = 0; b < _blocks.Length; b++)
            {
                var block = _blocks[b];
                var inverse = inverses[b];
                for (var i = 0; i < block.Length; i++)
                {
                    double sum = 0;
                    for (var j = 0; j < block.Length; j++)
                    {
                        sum += inverse[i, j] * v[block[j]];
                    }

                    result[block[i]] = sum;
                }
            }

            return result;
        }

        // Low rank: W = [V, a_r for weighted long rows], C = blockdiag(F, diag(r)).
        var weighted = _longRows.Where(r => rowWeights[r] != 0).ToArray();
        var k = Factors;
        var rank = k + weighted.Length;
        var w = new double[rank][];
        for (var f = 0; f < k; f++)
        {
            var column = new double[n];
            for (var i = 0; i < n; i++)
            {
                column[i] = _v[i, f];
            }

            w[f] = column;
        }

        for (var c = 0; c < weighted.Length; c++)
        {
            var column = new double[n];
            var (index, value) = _rows[weighted[c]];
            for (var j = 0; j < index.Length; j++)
            {
                column[index[j]] += value[j];
            }

            w[k + c] = column;
        }

        var cMatrix = Matrix<double>.Build.Dense(rank, rank);
        cMatrix.SetSubMatrix(0, 0, pScale * _f);
        for (var c = 0; c < weighted.Length; c++)
        {
            cMatrix[k + c, k + c] = rowWeights[weighted[c]];
        }

        var z = new double[rank][]; // B⁻¹W, column by column
        Parallel.For(0, rank, c => z[c] = ApplyBlockInverse(w[c]));

        // G = Wᵀ B⁻¹ W is symmetric (B is): half the dot products, vectorised, rows in parallel.
        var g = Matrix<double>.Build.Dense(rank, rank);
        Parallel.For(0, rank, i =>
        {
            for (var j = 0; j <= i; j++)
            {
                var value = System.Numerics.Tensors.TensorPrimitives.Dot<double>(w[i], z[j]);
                g[i, j] = value;
                g[j, i] = value;
            }
        });
        var lu = (Matrix<double>.Build.DenseIdentity(rank) + (g * cMatrix)).LU();
        return rhs =>
        {
            var u = ApplyBlockInverse(rhs);
            if (rank == 0)
            {
                return u;
            }

            var wtu = Vector<double>.Build.Dense(rank, i => System.Numerics.Tensors.TensorPrimitives.Dot<double>(w[i], u));
            var correction = cMatrix * lu.Solve(wtu);
            for (var c = 0; c < rank; c++)
            {
                var coefficient = correction[c];
                if (coefficient == 0)
                {
                    continue;
                }

                var column = z[c];
                for (var i = 0; i < n; i++)
                {
                    u[i] -= column[i] * coefficient;
                }
            }

            return u;
        };
    }

}
