using Research.Core.Panels;

namespace Research.Core.Tests.Panels;

public sealed class PanelAxesTests
{
    private static readonly DateOnly[] Dates = [new(2024, 1, 30), new(2024, 1, 31), new(2024, 2, 1), new(2025, 2, 3)];

    [Fact]
    public void Cells_are_row_major_by_session_and_missing_is_NaN()
    {
        var axes = new PanelAxes(Dates, [10001, 10002, 10003]);
        Assert.Equal((4, 3, 12), (axes.Sessions, axes.Assets, axes.Cells));
        Assert.Equal(7, axes.Cell(2, 1));
        var series = axes.Missing();
        Assert.Equal(12, series.Length);
        Assert.All(series, v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void A_series_of_the_wrong_length_is_refused_naming_it_and_both_sizes()
    {
        var axes = new PanelAxes(Dates, [1, 2]);
        axes.Require(new double[8], "returns");
        var error = Assert.Throws<ArgumentException>(() => axes.Require(new double[7], "returns"));
        Assert.StartsWith("returns: 7 values, but the panel has 4 dates x 2 assets = 8 cells.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dates_that_do_not_ascend_are_refused_naming_where()
    {
        var error = Assert.Throws<ArgumentException>(() => new PanelAxes([new(2024, 1, 31), new(2024, 1, 31)], [1]));
        Assert.StartsWith("panel dates must ascend: 2024-01-31 (position 1) follows 2024-01-31.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024-01-29", -1)]
    [InlineData("2024-01-30", 0)]
    [InlineData("2024-02-02", 2)]
    [InlineData("2030-01-01", 3)]
    public void The_session_on_or_before_a_date(string date, int expected) =>
        Assert.Equal(expected, new PanelAxes(Dates, [1]).SessionOnOrBefore(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void Month_ends_include_a_month_followed_by_the_same_month_a_year_later()
    {
        // February 2024 is followed by February 2025: two month ends, not one.
        Assert.Equal([1, 2, 3], new PanelAxes(Dates, [1]).MonthEnds());
    }
}
