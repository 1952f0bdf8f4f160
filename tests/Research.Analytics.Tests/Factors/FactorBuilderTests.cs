using Research.Analytics.Factors;

namespace Research.Analytics.Tests.Factors;

/// <summary>Cross-sectional transforms and descriptors against hand computations on small panels.</summary>
public sealed class FactorBuilderTests
{
    [Fact]
    public void Standardising_gives_a_cap_weighted_mean_of_zero_and_an_equal_weighted_standard_deviation_of_one()
    {
        double[] x = [1, 2, 3, double.NaN, 10];
        double[] cap = [4, 1, 1, 5, 2];
        CrossSection.Standardise(x, cap);

        // Hand: cap-weighted mean over present = (4 + 2 + 3 + 20) / 8 = 3.625; EW sd of {1,2,3,10} = sqrt(50/3).
        var sd = Math.Sqrt(((1 - 4.0) * (1 - 4.0) + (2 - 4.0) * (2 - 4.0) + (3 - 4.0) * (3 - 4.0) + (10 - 4.0) * (10 - 4.0)) / 3);
        Assert.Equal((1 - 3.625) / sd, x[0], 12);
        Assert.Equal((10 - 3.625) / sd, x[4], 12);
        Assert.Equal(0.0, x[3]);
        Assert.Equal(0.0, (4 * x[0]) + x[1] + x[2] + (2 * x[4]), 12);
    }

    [Fact]
    public void Winsorising_clips_at_numpy_type_7_quantiles()
    {
        var x = Enumerable.Range(1, 101).Select(i => (double)i).ToArray();
        x[100] = 1e6;
        CrossSection.Winsorise(x, 0.01);

        // numpy.quantile(range 1..100 + [1e6], 0.99): h = 99, so the 100th value = 100; 0.01: h = 1, value 2.
        Assert.Equal(2.0, x[0]);
        Assert.Equal(100.0, x[100]);
        Assert.Equal(50.0, x[49]);
    }

    [Fact]
    public void Residualising_leaves_a_residual_orthogonal_to_one_and_x_under_root_cap_weights()
    {
        double[] y = [0.3, -1.2, 2.0, 0.7, -0.4, 1.1];
        double[] x = [1.0, 0.5, -0.3, 2.2, -1.0, 0.1];
        double[] cap = [1, 4, 9, 16, 25, 36];
        CrossSection.Residualise(y, x, cap);
        Assert.Equal(0.0, y.Select((v, i) => Math.Sqrt(cap[i]) * v).Sum(), 12);
        Assert.Equal(0.0, y.Select((v, i) => Math.Sqrt(cap[i]) * v * x[i]).Sum(), 12);
    }

    [Fact]
    public void Industry_demeaning_sets_each_industrys_cap_weighted_mean_to_zero_and_leaves_unknown_alone()
    {
        double[] x = [1, 3, 5, 2, 9];
        int[] industry = [0, 0, 1, 1, -1];
        double[] cap = [1, 3, 2, 2, 1];
        CrossSection.DemeanWithinGroups(x, industry, cap);
        Assert.Equal(1 - 2.5, x[0], 12);
        Assert.Equal(3 - 2.5, x[1], 12);
        Assert.Equal(5 - 3.5, x[2], 12);
        Assert.Equal(9.0, x[4]);
    }

    [Fact]
    public void Momentum_sums_log_returns_from_twelve_to_one_month_back_and_skips_the_last_month()
    {
        var panel = TestPanels.Daily(new DateOnly(2022, 1, 3), new DateOnly(2023, 3, 31), 3, (t, i, d) => 0.001 * (i + 1) * (1 + (d.Month % 3)));
        var context = new DescriptorContext(panel);
        var t = panel.SessionOnOrBefore(new DateOnly(2023, 2, 28));

        // Window: sessions after 2022-02-28 through 2023-01-31 (months 2022-03 .. 2023-01).
        var expected = Enumerable.Range(0, panel.Sessions)
            .Where(s => panel.Dates[s] > new DateOnly(2022, 2, 28) && panel.Dates[s] <= new DateOnly(2023, 1, 31))
            .Sum(s => Math.Log(1 + panel.Returns[(s * 3) + 1]));
        Assert.Equal(expected, context.Momentum(t, 1), 12);
        Assert.True(double.IsNaN(context.Momentum(panel.SessionOnOrBefore(new DateOnly(2022, 6, 30)), 1)), "less than a year of history has no momentum");
    }

    [Fact]
    public void Beta_of_a_stock_that_moves_twice_the_market_is_two()
    {
        // Asset 0 and 1 make the market (equal caps); asset 2 returns twice asset 0's return plus nothing else; caps tiny.
        var panel = TestPanels.Daily(new DateOnly(2023, 1, 2), new DateOnly(2023, 12, 29), 3,
            (t, i, d) => i == 2 ? 2 * Wave(t) : Wave(t), cap: (t, i) => i == 2 ? 1e-9 : 1.0);
        var context = new DescriptorContext(panel);
        Assert.Equal(2.0, context.Beta(panel.Sessions - 1, 2), 6);

        static double Wave(int t) => 0.01 * Math.Sin(t * 0.7);
    }

    [Fact]
    public void Value_uses_only_quarters_already_reported_on_the_rebalance_date()
    {
        var panel = TestPanels.Daily(new DateOnly(2023, 1, 2), new DateOnly(2023, 12, 29), 2, (_, _, _) => 0.0, cap: (_, _) => 1000.0);

        // Q1 reported 2023-05-10 with book 1 ($M) = 1000 ($K); Q2 reported 2023-08-10 with book 4.
        panel.Fundamentals[0] =
        [
            new QuarterlyFundamentals(new DateOnly(2023, 5, 10), new DateOnly(2023, 3, 31), 1.0, 0.1, 10, 6),
            new QuarterlyFundamentals(new DateOnly(2023, 8, 10), new DateOnly(2023, 6, 30), 4.0, 0.1, 10, 6),
        ];
        var context = new DescriptorContext(panel);
        Assert.True(double.IsNaN(context.LogBookToMarket(panel.SessionOnOrBefore(new DateOnly(2023, 5, 9)), 0)));
        Assert.Equal(Math.Log(1.0), context.LogBookToMarket(panel.SessionOnOrBefore(new DateOnly(2023, 5, 10)), 0), 12);
        Assert.Equal(Math.Log(1.0), context.LogBookToMarket(panel.SessionOnOrBefore(new DateOnly(2023, 8, 9)), 0), 12);
        Assert.Equal(Math.Log(4.0), context.LogBookToMarket(panel.SessionOnOrBefore(new DateOnly(2023, 8, 10)), 0), 12);
    }

    [Fact]
    public void A_composite_is_the_standardised_weighted_sum_and_an_industry_neutral_factor_has_zero_industry_means()
    {
        var panel = TestPanels.Daily(new DateOnly(2022, 1, 3), new DateOnly(2023, 6, 30), 40,
            (t, i, d) => 0.01 * Math.Sin((t * 0.3) + i) * (1 + (i % 5)), cap: (t, i) => 100.0 + (i * 10), industries: i => i % 4);
        var month = panel.MonthEnds()[^1];
        var built = FactorBuilder.Build(panel, [month], new FactorBuildOptions
        {
            Styles = ["size", "momentum", "low_vol"],
            Composites = [new CompositeFactor("mix", new Dictionary<string, double> { ["momentum"] = 0.5, ["low_vol"] = 0.5 })],
            IndustryNeutral = ["momentum"],
        });
        var snap = built.Snapshots[0];
        var k = built.Factors.Count;
        Assert.Equal(["size", "momentum", "low_vol", "mix"], built.Factors);
        var momentum = Enumerable.Range(0, snap.Assets.Length).Select(a => snap.Values[(a * k) + 1]).ToArray();
        for (var industry = 0; industry < 4; industry++)
        {
            var members = Enumerable.Range(0, snap.Assets.Length).Where(a => snap.Industry[a] == industry).ToArray();
            Assert.Equal(0.0, members.Sum(a => snap.Size[a] * momentum[a]) / members.Sum(a => snap.Size[a]), 10);
        }

        // The composite was formed from the un-neutralised momentum: re-derive it from a build without neutralisation.
        var plain = FactorBuilder.Build(panel, [month], new FactorBuildOptions { Styles = ["size", "momentum", "low_vol"] }).Snapshots[0];
        var raw = Enumerable.Range(0, snap.Assets.Length).Select(a => (0.5 * plain.Values[(a * 3) + 1]) + (0.5 * plain.Values[(a * 3) + 2])).ToArray();
        CrossSection.Standardise(raw, snap.Size);
        Assert.Equal(raw, Enumerable.Range(0, snap.Assets.Length).Select(a => snap.Values[(a * k) + 3]), new Tolerance(1e-12));
    }

    [Fact]
    public void Asking_for_a_factor_the_data_cannot_support_names_what_is_missing()
    {
        var panel = TestPanels.Daily(new DateOnly(2023, 1, 2), new DateOnly(2023, 3, 31), 2, (_, _, _) => 0.0) is var p
            ? new EquityPanel(p.Dates, p.Ids, p.Labels, p.Returns, p.MarketCap, p.DollarVolume, p.Turnover) { HasFundamentals = false, Provenance = "prices.csv" }
            : null!;
        var error = Assert.Throws<ArgumentException>(() => FactorBuilder.Resolve(panel, new FactorBuildOptions { Styles = ["value"] }));
        Assert.Contains("value", error.Message, StringComparison.Ordinal);
        Assert.Contains("Fundamentals", error.Message, StringComparison.Ordinal);
        Assert.Contains("prices.csv", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FactorBuilder.Resolve(panel, new FactorBuildOptions { Styles = ["no_such_factor"] }));
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }
}
