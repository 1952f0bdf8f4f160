namespace Research.Data.Providers.FamaFrench;

/// <summary>
/// One table of a Ken French library file. Values are decimals for return tables (the file's percent divided
/// by 100) and raw for the others (number of firms, average firm size, BE/ME sums); -99.99 and -999 are NULL.
/// Dates are period ends: the day, the last day of the month, or 31 December.
/// </summary>
/// <param name="Title">Title line above the table, trimmed ("" for the first table of factor files).</param>
/// <param name="Frequency">Daily, monthly or annual.</param>
/// <param name="Columns">Column names, trimmed.</param>
/// <param name="Dates">Period end of each row.</param>
/// <param name="Values">Row-major values: <c>Values[row][column]</c>.</param>
/// <param name="IsPercent">Whether the file's numbers were percent (converted to decimals here).</param>
/// <param name="FirstLine">1-based line of the table's header in the file.</param>
public sealed record FrenchTable(
    string Title,
    FrenchFrequency Frequency,
    IReadOnlyList<string> Columns,
    IReadOnlyList<DateOnly> Dates,
    IReadOnlyList<double?[]> Values,
    bool IsPercent,
    int FirstLine)
{
    /// <summary>The values of one column, by name.</summary>
    public double?[] Column(string name)
    {
        var index = Columns.ToList().IndexOf(name);
        if (index < 0)
        {
            throw new KeyNotFoundException($"Table '{Title}' has no column '{name}' (columns: {string.Join(", ", Columns)}).");
        }

        return Values.Select(r => r[index]).ToArray();
    }
}
