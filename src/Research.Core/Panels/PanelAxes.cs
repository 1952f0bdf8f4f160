namespace Research.Core.Panels;

/// <summary>
/// The axes of a dense date x asset panel: sessions (ascending) and asset ids, and the layout every panel series in the
/// platform shares: one <c>double[]</c> of <see cref="Cells"/> values, row-major by session
/// (<c>[t * Assets + i]</c>, see <see cref="Cell"/>), NaN where a value is missing. Factor panels, backtest inputs, risk
/// model residuals and signal scores are series on these axes.
/// </summary>
public sealed class PanelAxes
{
    public PanelAxes(DateOnly[] dates, int[] ids)
    {
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(ids);
        for (var t = 1; t < dates.Length; t++)
        {
            if (dates[t] <= dates[t - 1])
            {
                throw new ArgumentException($"panel dates must ascend: {dates[t]:yyyy-MM-dd} (position {t}) follows {dates[t - 1]:yyyy-MM-dd}.", nameof(dates));
            }
        }

        Dates = dates;
        Ids = ids;
    }

    /// <summary>Sessions, ascending.</summary>
    public DateOnly[] Dates { get; }

    /// <summary>Asset identifiers (CRSP PERMNO, or a sequence number for a prices file).</summary>
    public int[] Ids { get; }

    public int Sessions => Dates.Length;

    public int Assets => Ids.Length;

    /// <summary>Values in a series on these axes: sessions x assets.</summary>
    public int Cells => Dates.Length * Ids.Length;

    /// <summary>Position of (session <paramref name="t"/>, asset <paramref name="i"/>) in a series.</summary>
    public int Cell(int t, int i) => (t * Ids.Length) + i;

    /// <summary>A series with every value missing (NaN), the empty state of a panel series.</summary>
    public double[] Missing()
    {
        var series = new double[Cells];
        Array.Fill(series, double.NaN);
        return series;
    }

    /// <summary>Throws, naming the series and both sizes, when <paramref name="series"/> is not one value per cell.</summary>
    public void Require(double[] series, string name)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Length != Cells)
        {
            throw new ArgumentException($"{name}: {series.Length} values, but the panel has {Sessions} dates x {Assets} assets = {Cells} cells.", name);
        }
    }

    /// <summary>Index of the last session on or before <paramref name="date"/>, or -1.</summary>
    public int SessionOnOrBefore(DateOnly date) => OnOrBefore(Dates, date);

    /// <summary>Indexes of the last session of each calendar month, ascending.</summary>
    public int[] MonthEnds()
    {
        var ends = new List<int>();
        for (var t = 0; t < Dates.Length; t++)
        {
            if (t == Dates.Length - 1 || Dates[t + 1].Month != Dates[t].Month || Dates[t + 1].Year != Dates[t].Year)
            {
                ends.Add(t);
            }
        }

        return [.. ends];
    }

    /// <summary>Index of the last of the ascending <paramref name="dates"/> on or before <paramref name="date"/>, or -1.</summary>
    public static int OnOrBefore(DateOnly[] dates, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(dates);
        var index = Array.BinarySearch(dates, date);
        return index >= 0 ? index : ~index - 1;
    }
}
