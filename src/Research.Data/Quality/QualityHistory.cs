using Research.Core.Calendars;
using Research.Data.Warehouse;

namespace Research.Data.Quality;

/// <summary>A month of a dataset's coverage: the periods expected in it (NYSE sessions, or one per period started) and those missing.</summary>
public sealed record CoverageMonth(int Year, int Month, int Expected, int Missing);

/// <summary>
/// Quality over a dataset's versions, for the data quality page and reports:
/// - <see cref="NullShares"/>: each column's share of NULLs in each version (read from the version's own files);
/// - <see cref="Calendar"/>: the coverage gaps of one version by calendar month.
/// </summary>
public static class QualityHistory
{
    /// <summary>
    /// The union of the versions' columns (first seen first) and, per version in the order given, each column's NULL
    /// share (null where the version has no such column or no rows).
    /// </summary>
    public static (IReadOnlyList<string> Columns, IReadOnlyList<double?[]> Shares) NullShares(WarehouseLayout layout, string dataset, IReadOnlyList<DatasetManifest> versions, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(versions);
        var columns = new List<string>();
        var perVersion = new List<Dictionary<string, double?>>();
        var quoted = string.Join('.', WarehouseQuerySession.ViewName(dataset).Split('.').Select(DuckDbSql.Identifier));
        foreach (var manifest in versions)
        {
            var shares = new Dictionary<string, double?>(StringComparer.Ordinal);
            perVersion.Add(shares);
            if (manifest.Files.Count == 0)
            {
                continue;
            }

            try
            {
                foreach (var (name, share) in Count(layout, dataset, manifest, quoted, clock))
                {
                    if (!columns.Contains(name))
                    {
                        columns.Add(name);
                    }

                    shares[name] = share;
                }
            }
            catch (Exception e) when (e is DuckDB.NET.Data.DuckDBException or InvalidDataException or IOException)
            {
                // A version whose files cannot be read (quarantined as unreadable, or abandoned with files missing) has
                // no shares; its findings say why.
            }
        }

        return (columns, perVersion.Select(s => columns.Select(c => s.GetValueOrDefault(c)).ToArray()).ToList());
    }

    /// <summary>Each column of one version with its NULL share (null when the version has no rows).</summary>
    private static List<(string Name, double? Share)> Count(WarehouseLayout layout, string dataset, DatasetManifest manifest, string quoted, TimeProvider clock)
    {
        using var session = WarehouseQuerySession.OpenVersions(layout, new Dictionary<string, string> { [dataset] = manifest.VersionId }, QueryLimits.Default, clock);
        var names = new List<string>();
        using (var describe = session.CreateTrustedCommand($"DESCRIBE {quoted}"))
        using (var reader = describe.ExecuteReader())
        {
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
        }

        using var count = session.CreateTrustedCommand($"SELECT count(*){string.Concat(names.Select(n => $", count({DuckDbSql.Identifier(n)})"))} FROM {quoted}");
        using var counted = count.ExecuteReader();
        counted.Read();
        var rows = counted.GetInt64(0);
        return [.. names.Select((n, i) => (n, rows == 0 ? (double?)null : (rows - counted.GetInt64(i + 1)) / (double)rows))];
    }

    /// <summary>
    /// Missing periods by calendar month, from the first to the last month of <paramref name="coverage"/>: daily data
    /// counts the NYSE sessions expected in the month (within the calendar's exact range) and those without a row;
    /// monthly, quarterly and annual data count the periods starting in the month.
    /// </summary>
    public static IReadOnlyList<CoverageMonth> Calendar(DatasetCoverageResult coverage)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        var present = coverage.Days.Select(d => d.Date).ToHashSet();
        var months = new List<CoverageMonth>();
        for (var month = new DateOnly(coverage.First.Year, coverage.First.Month, 1); month <= coverage.Last; month = month.AddMonths(1))
        {
            var end = month.AddMonths(1).AddDays(-1);
            if (coverage.Frequency == CoverageFrequency.Daily)
            {
                var from = Max(Max(month, coverage.First), NyseCalendar.ExactFrom);
                var to = Min(Min(end, coverage.Last), NyseCalendar.ExactThrough);
                var sessions = from > to ? [] : NyseCalendar.Instance.Sessions(from, to);
                months.Add(new CoverageMonth(month.Year, month.Month, sessions.Count, sessions.Count(s => !present.Contains(s))));
            }
            else
            {
                var missing = coverage.Gaps.Sum(g => Overlaps(g, month, end));
                var starts = coverage.Frequency switch
                {
                    CoverageFrequency.Monthly => true,
                    CoverageFrequency.Quarterly => (month.Month - 1) % 3 == 0,
                    _ => month.Month == 1,
                };
                months.Add(new CoverageMonth(month.Year, month.Month, starts ? 1 : 0, starts ? missing : 0));
            }
        }

        return months;
    }

    /// <summary>1 when a gap covers the period starting in this month (gaps hold whole periods), else 0.</summary>
    private static int Overlaps(CoverageGap gap, DateOnly monthStart, DateOnly monthEnd) => gap.From <= monthEnd && gap.To >= monthStart && gap.From <= monthStart ? 1 : 0;

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
