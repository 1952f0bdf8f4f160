using System.Globalization;

namespace Research.Backtesting.TearSheets;

/// <summary>
/// A daily return series as a user brings it: a CSV with a header and two columns, <c>date</c> (YYYY-MM-DD) and
/// <c>return</c> (a decimal, 0.01 = 1%). Every line must parse: a blank, non-numeric, non-finite or duplicated value is
/// refused naming the file and line, never skipped or filled. Dates are sorted.
/// </summary>
public static class ReturnSeriesFile
{
    public static (DateOnly[] Dates, double[] Returns) Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such file.", path);
        }

        var rows = new SortedDictionary<DateOnly, double>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (number == 1 || string.IsNullOrWhiteSpace(line))
            {
                continue; // the header; blank lines at the end
            }

            var fields = line.Split(',');
            if (fields.Length < 2)
            {
                throw new InvalidDataException($"{path}:{number}: expected 'date,return', got '{line}'.");
            }

            if (!DateOnly.TryParseExact(fields[0].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new InvalidDataException($"{path}:{number}: '{fields[0].Trim()}' is not a date (YYYY-MM-DD).");
            }

            if (!double.TryParse(fields[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new InvalidDataException($"{path}:{number}: the return on {date:yyyy-MM-dd} is '{fields[1].Trim()}', not a finite decimal (missing values are not filled).");
            }

            if (value <= -1)
            {
                throw new InvalidDataException($"{path}:{number}: a return of {value} on {date:yyyy-MM-dd} loses more than everything; returns are decimals (0.01 = 1%), not percentages.");
            }

            if (!rows.TryAdd(date, value))
            {
                throw new InvalidDataException($"{path}:{number}: {date:yyyy-MM-dd} appears twice.");
            }
        }

        if (rows.Count < 2)
        {
            throw new InvalidDataException($"{path}: {rows.Count} returns; a tear sheet needs at least two days.");
        }

        return ([.. rows.Keys], [.. rows.Values]);
    }

    /// <summary>
    /// Writes <paramref name="returns"/> in the format <see cref="Read"/> takes (header <c>date,return</c>, round-trip
    /// decimals), through a temporary file renamed into place, so a reader never sees half a file.
    /// </summary>
    public static void Write(string path, IReadOnlyList<DateOnly> dates, IReadOnlyList<double> returns)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(returns);
        if (dates.Count != returns.Count)
        {
            throw new ArgumentException($"{dates.Count} dates but {returns.Count} returns.", nameof(returns));
        }

        var temporary = path + ".tmp";
        using (var writer = new StreamWriter(temporary))
        {
            writer.WriteLine("date,return");
            for (var i = 0; i < dates.Count; i++)
            {
                writer.Write(dates[i].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                writer.Write(',');
                writer.WriteLine(returns[i].ToString("R", CultureInfo.InvariantCulture));
            }
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The days both series have, in order, with how many of each series' days were left out.</summary>
    public static (DateOnly[] Dates, double[] Returns, double[] Benchmark, int DroppedReturns, int DroppedBenchmark) Align(
        (DateOnly[] Dates, double[] Returns) series, (DateOnly[] Dates, double[] Returns) benchmark)
    {
        var other = new Dictionary<DateOnly, double>(benchmark.Dates.Length);
        for (var i = 0; i < benchmark.Dates.Length; i++)
        {
            other[benchmark.Dates[i]] = benchmark.Returns[i];
        }

        var dates = new List<DateOnly>();
        var r = new List<double>();
        var b = new List<double>();
        for (var i = 0; i < series.Dates.Length; i++)
        {
            if (other.TryGetValue(series.Dates[i], out var value))
            {
                dates.Add(series.Dates[i]);
                r.Add(series.Returns[i]);
                b.Add(value);
            }
        }

        return ([.. dates], [.. r], [.. b], series.Dates.Length - dates.Count, benchmark.Dates.Length - dates.Count);
    }
}
