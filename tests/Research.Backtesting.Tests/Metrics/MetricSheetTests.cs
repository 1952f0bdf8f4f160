using System.Text.Json;
using Research.Backtesting.Jobs;
using Research.Backtesting.Metrics;
using Research.Backtesting.MonteCarlo;
using Research.Backtesting.Results;

namespace Research.Backtesting.Tests.Metrics;

/// <summary>The labelled lines pages show are the stored document's numbers, each once, formatted by its unit.</summary>
public sealed class MetricSheetTests
{
    private static readonly BacktestMetrics Sample = new(
        new DateOnly(2020, 1, 2), new DateOnly(2024, 12, 31), 1258, 0.4567, 0.0789, 0.151, 0.5234, 0.7, -0.2345, 0.336, 0.5123, -0.25, 5.5, 2.4, 0.0031, 1.98, 12345);

    [Fact]
    public void A_backtest_reads_with_labels_and_units()
    {
        var lines = MetricSheet.Of(Sample).ToDictionary(l => l.Key);
        Assert.Equal(("From", MetricUnit.Date, (double?)null, "2020-01-02"), (lines["from"].Label, lines["from"].Unit, lines["from"].Value, lines["from"].Display));
        Assert.Equal((MetricUnit.Percent, 0.4567, "45.67%"), (lines["totalReturn"].Unit, lines["totalReturn"].Value!.Value, Invariant(lines["totalReturn"].Display)));
        Assert.Equal((MetricUnit.Number, "0.52"), (lines["sharpe"].Unit, lines["sharpe"].Display));
        Assert.Equal("-23.45%", Invariant(lines["maxDrawdown"].Display));
        Assert.Equal("51.2%", Invariant(lines["hitRate"].Display));
        Assert.Equal((MetricUnit.Count, "12,345"), (lines["trades"].Unit, lines["trades"].Display));
        Assert.Equal("Kurtosis (not excess)", lines["kurtosis"].Label);
    }

    [Fact]
    public void Every_number_of_the_stored_document_is_a_line_and_no_line_is_invented()
    {
        using var document = JsonDocument.Parse(ResultDocuments.Serialize(Sample));
        var stored = document.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.Equal(stored, MetricSheet.Of(Sample).Select(l => l.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Not_a_number_reads_n_a_and_has_no_value()
    {
        var flat = Sample with { Sharpe = double.NaN, Skewness = double.PositiveInfinity };
        var lines = MetricSheet.Of(flat).ToDictionary(l => l.Key);
        Assert.Equal(((double?)null, "n/a"), (lines["sharpe"].Value, lines["sharpe"].Display));
        Assert.Equal(((double?)null, "n/a"), (lines["skewness"].Value, lines["skewness"].Display));
    }

    [Fact]
    public void A_walk_forward_nests_its_out_of_sample_lines_and_adds_the_overfitting_measures()
    {
        var summary = new WalkForwardSummary([], Sample, 0.61, 0.75, new Dictionary<string, int> { ["value q0.2"] = 1, ["momentum q0.2"] = 3 },
            new Dictionary<string, double>(), Pbo: null, DeflatedSharpe: 0.912);
        var lines = MetricSheet.Of(summary).ToDictionary(l => l.Key);
        Assert.Equal("0.52", lines["outOfSample.sharpe"].Display);
        Assert.Equal(MetricSheet.Overfitting, lines["pbo"].Group);
        Assert.Equal("n/a", lines["pbo"].Display);
        Assert.Equal("momentum q0.2 x3, value q0.2 x1", lines["choices"].Display);
        Assert.Equal("0.912", lines["deflatedSharpe"].Display);
        Assert.All(lines.Values.Where(l => l.Group == MetricSheet.Trading), l => Assert.Equal(((double?)null, "not available"), (l.Value, l.Display)));
    }

    [Fact]
    public void A_Monte_Carlo_gives_lower_median_and_upper_of_each_metric()
    {
        var summary = new MonteCarloSummary(1000, 0.95, new Interval(-0.1, 0.5, 1.1), null, new Interval(-0.4, -0.2, -0.1), new Interval(0.8, 1.3, 2.2));
        var lines = MetricSheet.Of(summary);
        Assert.Equal(["Simulation", "Sharpe", "CAGR", "Max drawdown", "Terminal wealth"], lines.Select(l => l.Group).Distinct());
        Assert.All(lines.Where(l => l.Group != MetricSheet.Simulation).GroupBy(l => l.Group), g => Assert.Equal(3, g.Count()));
        Assert.Equal(["-0.10", "0.50", "1.10"], lines.Where(l => l.Group == "Sharpe").Select(l => l.Display));
        Assert.All(lines.Where(l => l.Group == "CAGR"), l => Assert.Equal("n/a", l.Display));
    }

    /// <summary>The invariant culture writes a space before the percent sign ("45.67 %"); compare without it.</summary>
    private static string Invariant(string display) => display.Replace(" ", string.Empty, StringComparison.Ordinal);
}
