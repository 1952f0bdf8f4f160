using Research.Backtesting.Golden;
using Research.Testing;

namespace Research.Backtesting.Tests.Golden;

/// <summary>The golden backtests in <c>tests/golden/backtests.json</c> (regenerate: <c>research backtest golden --regenerate --reason "..."</c>).</summary>
public sealed class GoldenRegressionTests
{
    private static string GoldenFile => Path.Combine(TestEnvironment.RepositoryRoot, "tests", "golden", "backtests.json");

    [Fact]
    public async Task The_golden_backtests_have_not_drifted()
    {
        var expected = GoldenRegression.Read(GoldenFile);
        Assert.False(string.IsNullOrWhiteSpace(expected.Reason));
        Assert.Equal(GoldenRegression.Cases.Count, expected.Cases.Count);
        using var scratch = TestEnvironment.CreateTempDirectory("golden");
        var actual = await GoldenRegression.RunAsync(scratch.Path, "check", cancellationToken: TestContext.Current.CancellationToken);
        var drifts = GoldenRegression.Compare(expected, actual);
        Assert.True(drifts.Count == 0, "golden drift:\n" + string.Join("\n", drifts.Select(d => $"{d.Case} {d.What}: stored {d.Expected}, now {d.Actual} (threshold {d.Threshold})")));
    }

    [Fact]
    public void Drifts_name_the_case_and_the_metric_and_a_data_change_is_reported_as_such()
    {
        var stored = GoldenRegression.Read(GoldenFile);
        var first = stored.Cases[0];
        var moved = stored with
        {
            Cases = [first with { Metrics = first.Metrics with { Sharpe = first.Metrics.Sharpe + 1e-6 }, OrderListSha256 = new string('0', 64) }, .. stored.Cases.Skip(1)],
        };
        var drifts = GoldenRegression.Compare(stored, moved);
        Assert.Equal([(first.Name, "order list"), (first.Name, "sharpe")], drifts.Select(d => (d.Case, d.What)));

        // Below the threshold is not a drift.
        var noise = stored with { Cases = [first with { Metrics = first.Metrics with { Sharpe = first.Metrics.Sharpe + 1e-12 } }, .. stored.Cases.Skip(1)] };
        Assert.Empty(GoldenRegression.Compare(stored, noise));

        var otherData = GoldenRegression.Compare(stored, stored with { DataSha256 = new string('f', 64) });
        Assert.Equal("(data)", Assert.Single(otherData).Case);
    }
}
