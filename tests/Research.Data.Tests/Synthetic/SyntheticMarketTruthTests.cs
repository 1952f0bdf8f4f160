using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Statistics;
using Research.Data.Synthetic;

namespace Research.Data.Tests.Synthetic;

/// <summary>The planted truth is recoverable from the generated files alone.</summary>
public sealed class SyntheticMarketTruthTests(SyntheticMarketFixture market) : IClassFixture<SyntheticMarketFixture>
{
    [Fact]
    public void Regressing_returns_on_true_exposures_recovers_every_factor_with_correlation_above_0_99()
    {
        var root = market.Wide;
        var card = SyntheticMarketGenerator.ReadModelCard(root);
        var rows = Parquet.Query($"""
            WITH d AS (SELECT permno, date, ret FROM read_parquet('{Parquet.Glob(root, "crsp/daily")}')),
                 e AS (SELECT * FROM read_parquet('{Parquet.Glob(root, "truth/exposures")}')),
                 s AS (SELECT permno, specific_vol FROM read_parquet('{Parquet.Glob(root, "truth/specific_risk")}'))
            SELECT d.date, d.ret, e.industry, e.size, e.value, e.momentum, e.quality, e.low_vol, s.specific_vol
            FROM d ASOF JOIN e ON d.permno = e.permno AND d.date >= e.date
            JOIN s ON s.permno = d.permno
            ORDER BY d.date, d.permno
            """);
        var truth = Parquet.Query($"SELECT * FROM read_parquet('{Parquet.Glob(root, "truth/factor_returns")}') ORDER BY date");
        var factorCount = card.Factors.Count;
        var industries = card.Industries.Count;
        var w = card.IndustryConstraintWeights;

        // Constrained GLS per day: substitute f_ind_last = -sum_{j<last} (w_j / w_last) f_j, weights 1 / specific variance.
        var estimates = new List<double[]>();
        var actual = new List<double[]>();
        var byDate = rows.GroupBy(r => (DateOnly)r[0]!).ToList();
        var truthByDate = truth.ToDictionary(r => (DateOnly)r[0]!);
        foreach (var day in byDate)
        {
            var n = day.Count();
            var p = factorCount - 1;
            var x = Matrix<double>.Build.Dense(n, p);
            var y = Vector<double>.Build.Dense(n);
            var weight = Vector<double>.Build.Dense(n);
            var i = 0;
            foreach (var r in day)
            {
                var industry = Convert.ToInt32(r[2], System.Globalization.CultureInfo.InvariantCulture);
                x[i, 0] = 1.0;
                for (var j = 0; j < industries - 1; j++)
                {
                    x[i, 1 + j] = (industry == j ? 1.0 : 0.0) - (industry == industries - 1 ? w[j] / w[industries - 1] : 0.0);
                }

                for (var s = 0; s < 5; s++)
                {
                    x[i, industries + s] = (double)r[3 + s]!;
                }

                y[i] = (double)r[1]!;
                var sigma = (double)r[8]!;
                weight[i] = 1.0 / (sigma * sigma);
                i++;
            }

            var xtw = x.Transpose().Multiply(Matrix<double>.Build.Diagonal(weight.ToArray()));
            var b = (xtw * x).Solve(xtw * y);
            var full = new double[factorCount];
            full[0] = b[0];
            var last = 0.0;
            for (var j = 0; j < industries - 1; j++)
            {
                full[1 + j] = b[1 + j];
                last -= w[j] / w[industries - 1] * b[1 + j];
            }

            full[industries] = last;
            for (var s = 0; s < 5; s++)
            {
                full[industries + 1 + s] = b[industries + s];
            }

            estimates.Add(full);
            var t = truthByDate[day.Key];
            actual.Add(Enumerable.Range(0, factorCount).Select(k => (double)t[1 + k]!).ToArray());
        }

        Assert.True(estimates.Count > 400, $"only {estimates.Count} days");
        var failures = new List<string>();
        for (var k = 0; k < factorCount; k++)
        {
            var corr = Correlation.Pearson(estimates.Select(e => e[k]), actual.Select(a => a[k]));
            TestContext.Current.TestOutputHelper?.WriteLine($"{card.Factors[k]}: correlation {corr:F4}");
            if (corr <= 0.99)
            {
                failures.Add($"{card.Factors[k]}: {corr:F4}");
            }
        }

        Assert.True(failures.Count == 0, "factors recovered with correlation <= 0.99: " + string.Join(", ", failures));
    }

    [Fact]
    public void Realized_IC_of_the_planted_alpha_is_within_0_005_of_the_planted_value_over_10_years_of_1000_stocks()
    {
        var root = market.TenYears;
        var card = SyntheticMarketGenerator.ReadModelCard(root);
        // Specific return standardized by specific vol, next to the score of the previous session.
        var rows = Parquet.Query($"""
            WITH d AS (SELECT permno, date, ret, row_number() OVER (PARTITION BY permno ORDER BY date) AS n
                       FROM read_parquet('{Parquet.Glob(root, "crsp/daily")}')),
                 e AS (SELECT * FROM read_parquet('{Parquet.Glob(root, "truth/exposures")}')),
                 f AS (SELECT * FROM read_parquet('{Parquet.Glob(root, "truth/factor_returns")}')),
                 s AS (SELECT permno, specific_vol FROM read_parquet('{Parquet.Glob(root, "truth/specific_risk")}')),
                 a AS (SELECT permno, date, score, row_number() OVER (PARTITION BY permno ORDER BY date) AS n
                       FROM read_parquet('{Parquet.Glob(root, "truth/alpha")}')),
                 x AS (SELECT d.*, e.industry, e.size, e.value, e.momentum, e.quality, e.low_vol
                       FROM d ASOF JOIN e ON d.permno = e.permno AND d.date >= e.date)
            SELECT x.date,
                   a.score,
                   (x.ret - f.market
                      - CASE x.industry WHEN 0 THEN f.ind_nodur WHEN 1 THEN f.ind_durbl WHEN 2 THEN f.ind_manuf WHEN 3 THEN f.ind_enrgy
                                        WHEN 4 THEN f.ind_hitec WHEN 5 THEN f.ind_telcm WHEN 6 THEN f.ind_shops WHEN 7 THEN f.ind_hlth
                                        WHEN 8 THEN f.ind_utils ELSE f.ind_other END
                      - x.size * f.size - x.value * f.value - x.momentum * f.momentum - x.quality * f.quality - x.low_vol * f.low_vol)
                     / s.specific_vol AS z
            FROM x JOIN f ON f.date = x.date
                   JOIN s ON s.permno = x.permno
                   JOIN a ON a.permno = x.permno AND a.n = x.n - 1
            ORDER BY x.date
            """);
        var ics = rows.GroupBy(r => (DateOnly)r[0]!)
            .Where(g => g.Count() > 100)
            .Select(g => Correlation.Pearson(g.Select(r => (double)(float)r[1]!), g.Select(r => (double)r[2]!)))
            .ToList();
        Assert.True(ics.Count > 2400, $"only {ics.Count} days with an IC");
        var mean = ics.Average();
        TestContext.Current.TestOutputHelper?.WriteLine($"realized IC {mean:F5} over {ics.Count} days, planted {card.AlphaIc}");
        Assert.True(Math.Abs(mean - card.AlphaIc) < 0.005, $"realized IC {mean:F4} vs planted {card.AlphaIc:F4}");
    }
}
