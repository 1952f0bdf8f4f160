using System.Globalization;
using DuckDB.NET.Data;
using Research.Core.Calendars;
using Research.Data.Warehouse;

namespace Research.Data.Quality;

/// <summary>
/// Checks staged Parquet files against a <see cref="DatasetContract"/> before they may be published:
/// 1. every file is readable Parquet;
/// 2. schema: each contracted column exists with its type;
/// 3. per column: NULL share and value range;
/// 4. the key is unique;
/// 5. the row count is within tolerance of what the source announced;
/// 6. session dates are exactly the NYSE sessions between the first and last date;
/// 7. against the parent version: no large row drop, no NULL spike, no distribution shift (median and spread).
/// Every failure names the dataset, the column and the rule.
/// </summary>
public static class DatasetValidator
{
    public static ValidationReport Validate(DatasetContract contract, IReadOnlyList<string> files, long? expectedRows, IReadOnlyList<string>? parentFiles)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(files);
        var findings = new List<ValidationFinding>();
        var d = contract.Dataset;
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();

        foreach (var file in files)
        {
            try
            {
                Scalar(connection, $"SELECT count(*) FROM read_parquet({DuckDbSql.Literal(file)})");
            }
            catch (DuckDBException e)
            {
                findings.Add(new(d, null, "readable", false, $"{Path.GetFileName(Path.GetDirectoryName(file))}/{Path.GetFileName(file)} is not readable Parquet: {FirstLine(e.Message)}"));
            }
        }

        if (findings.Count > 0 || files.Count == 0)
        {
            if (files.Count == 0)
            {
                findings.Add(new(d, null, "row-count", false, "no files were staged"));
            }

            return new ValidationReport(d, findings);
        }

        var source = $"read_parquet({DuckDbSql.List(files)}, union_by_name = true)";
        var schema = Rows(connection, $"DESCRIBE SELECT * FROM {source}").ToDictionary(r => (string)r[0]!, r => (string)r[1]!, StringComparer.Ordinal);
        var present = new List<ColumnRule>();
        foreach (var rule in contract.Columns)
        {
            if (!schema.TryGetValue(rule.Name, out var type))
            {
                findings.Add(new(d, rule.Name, "schema", false, $"column is missing (found: {string.Join(", ", schema.Keys)})"));
            }
            else if (!string.Equals(type, rule.Type, StringComparison.OrdinalIgnoreCase))
            {
                findings.Add(new(d, rule.Name, "type", false, $"type is {type}, contract says {rule.Type}"));
            }
            else
            {
                findings.Add(new(d, rule.Name, "schema", true, type));
                present.Add(rule);
            }
        }

        var rows = Convert.ToInt64(Scalar(connection, $"SELECT count(*) FROM {source}"), CultureInfo.InvariantCulture);
        var nullRates = NullRates(connection, source, present.Select(r => r.Name), rows);
        foreach (var rule in present)
        {
            var rate = nullRates[rule.Name];
            findings.Add(new(d, rule.Name, "nulls", rate <= rule.MaxNullRate, $"{rate:P2} NULL (at most {rule.MaxNullRate:P2})"));
            if ((rule.Min is not null || rule.Max is not null) && rows > 0)
            {
                var expression = rule.Absolute ? $"abs({DuckDbSql.Identifier(rule.Name)})" : DuckDbSql.Identifier(rule.Name);
                var range = Rows(connection, $"SELECT min({expression})::DOUBLE, max({expression})::DOUBLE, count(*) FILTER (WHERE {expression} < {Number(rule.Min ?? double.MinValue)} OR {expression} > {Number(rule.Max ?? double.MaxValue)}) FROM {source}")[0];
                var outside = Convert.ToInt64(range[2], CultureInfo.InvariantCulture);
                findings.Add(new(d, rule.Name, "range", outside == 0,
                    $"{outside} value(s) outside [{rule.Min?.ToString(CultureInfo.InvariantCulture) ?? "-inf"}, {rule.Max?.ToString(CultureInfo.InvariantCulture) ?? "inf"}] (min {range[0]}, max {range[1]}){(rule.Absolute ? " in absolute value" : string.Empty)}"));
            }
        }

        if (contract.Key.Count > 0 && contract.Key.All(schema.ContainsKey))
        {
            var key = string.Join(", ", contract.Key.Select(DuckDbSql.Identifier));
            var duplicates = Convert.ToInt64(Scalar(connection, $"SELECT count(*) FROM (SELECT {key} FROM {source} GROUP BY {key} HAVING count(*) > 1)"), CultureInfo.InvariantCulture);
            findings.Add(new(d, string.Join("+", contract.Key), "key", duplicates == 0, $"{duplicates} duplicated key value(s)"));
        }

        if (expectedRows is { } expected && expected > 0)
        {
            var deviation = Math.Abs(rows - expected) / (double)expected;
            findings.Add(new(d, null, "row-count", deviation <= contract.RowCountTolerance, $"{rows:N0} rows, source announced {expected:N0} ({deviation:P1} off, at most {contract.RowCountTolerance:P0})"));
        }

        if (contract.SessionDateColumn is { } dateColumn && schema.TryGetValue(dateColumn, out var dateType) && dateType == "DATE" && rows > 0)
        {
            findings.Add(CheckSessions(connection, source, d, dateColumn));
        }

        if (parentFiles is { Count: > 0 })
        {
            var parentSource = $"read_parquet({DuckDbSql.List(parentFiles)}, union_by_name = true)";
            var parentRows = Convert.ToInt64(Scalar(connection, $"SELECT count(*) FROM {parentSource}"), CultureInfo.InvariantCulture);
            if (parentRows > 0)
            {
                var drop = (parentRows - rows) / (double)parentRows;
                findings.Add(new(d, null, "row-drop", drop <= contract.MaxRowDropVersusParent, $"{rows:N0} rows vs {parentRows:N0} in the parent version ({Math.Max(0, drop):P1} fewer, at most {contract.MaxRowDropVersusParent:P0})"));
                var parentSchema = Rows(connection, $"DESCRIBE SELECT * FROM {parentSource}").Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
                var comparable = present.Where(r => parentSchema.Contains(r.Name)).Select(r => r.Name).ToList();
                var parentNulls = NullRates(connection, parentSource, comparable, parentRows);
                foreach (var rule in present.Where(r => parentSchema.Contains(r.Name) && r.Type is "DOUBLE" && (r.Min is not null || r.Max is not null)))
                {
                    findings.Add(CheckShift(connection, source, parentSource, d, rule));
                }

                foreach (var column in comparable)
                {
                    var increase = nullRates[column] - parentNulls[column];
                    if (increase > contract.MaxNullRateIncreaseVersusParent)
                    {
                        findings.Add(new(d, column, "null-spike", false, $"NULL share rose from {parentNulls[column]:P2} to {nullRates[column]:P2} against the parent version"));
                    }
                }
            }
        }

        return new ValidationReport(d, findings);
    }

    /// <summary>
    /// Distribution shift against the parent: the median may move by at most one parent interquartile range, and
    /// the interquartile range may change by at most a factor of 3. Catches wrong units (prices in cents, returns in
    /// percent) that stay inside the contract's ranges.
    /// </summary>
    private static ValidationFinding CheckShift(DuckDBConnection connection, string source, string parentSource, string dataset, ColumnRule rule)
    {
        var expression = rule.Absolute ? $"abs({DuckDbSql.Identifier(rule.Name)})" : DuckDbSql.Identifier(rule.Name);
        string Stats(string from) => $"SELECT quantile_cont({expression}, 0.25), quantile_cont({expression}, 0.5), quantile_cont({expression}, 0.75) FROM {from}";
        var now = Rows(connection, Stats(source))[0];
        var before = Rows(connection, Stats(parentSource))[0];
        if (now.Any(v => v is null) || before.Any(v => v is null))
        {
            return new(dataset, rule.Name, "distribution", true, "not enough values to compare");
        }

        double D(object? v) => Convert.ToDouble(v, CultureInfo.InvariantCulture);
        var iqrBefore = D(before[2]) - D(before[0]);
        var iqrNow = D(now[2]) - D(now[0]);
        var scale = Math.Max(iqrBefore, 1e-12);
        var medianMove = Math.Abs(D(now[1]) - D(before[1])) / scale;
        var spread = iqrBefore > 0 && iqrNow > 0 ? Math.Max(iqrNow / iqrBefore, iqrBefore / iqrNow) : 1;
        var ok = medianMove <= 1 && spread <= 3;
        return new(dataset, rule.Name, "distribution", ok,
            $"median {D(now[1]):G4} vs {D(before[1]):G4} in the parent ({medianMove:F2} parent IQRs apart, at most 1); IQR {iqrNow:G4} vs {iqrBefore:G4} (x{spread:F2}, at most x3)");
    }

    private static ValidationFinding CheckSessions(DuckDBConnection connection, string source, string dataset, string column)
    {
        // The calendar is exact from 1963 (earlier years had Saturday sessions): older dates are not checked.
        var dates = Rows(connection, $"SELECT DISTINCT {DuckDbSql.Identifier(column)} FROM {source} WHERE {DuckDbSql.Identifier(column)} IS NOT NULL ORDER BY 1")
            .Select(r => r[0] is DateOnly d ? d : DateOnly.FromDateTime((DateTime)r[0]!)).Where(d => d >= NyseCalendar.ExactFrom).ToList();
        if (dates.Count == 0)
        {
            return new(dataset, column, "sessions", true, $"no dates on or after {NyseCalendar.ExactFrom:yyyy-MM-dd} to check");
        }

        var sessions = NyseCalendar.Instance.Sessions(dates[0], dates[^1]);
        var missing = sessions.Except(dates).ToList();
        var extra = dates.Except(sessions).ToList();
        var ok = missing.Count == 0 && extra.Count == 0;
        return new(dataset, column, "sessions", ok, ok
            ? $"{dates.Count} sessions {dates[0]:yyyy-MM-dd}..{dates[^1]:yyyy-MM-dd}"
            : $"{missing.Count} NYSE session(s) missing (first: {string.Join(", ", missing.Take(5).Select(x => x.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))}), {extra.Count} non-session date(s) (first: {string.Join(", ", extra.Take(5).Select(x => x.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))})");
    }

    private static Dictionary<string, double> NullRates(DuckDBConnection connection, string source, IEnumerable<string> columns, long rows)
    {
        var list = columns.ToList();
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (list.Count == 0)
        {
            return result;
        }

        var counts = Rows(connection, $"SELECT {string.Join(", ", list.Select(c => $"count(*) - count({DuckDbSql.Identifier(c)})"))} FROM {source}")[0];
        for (var i = 0; i < list.Count; i++)
        {
            result[list[i]] = rows == 0 ? 0 : Convert.ToInt64(counts[i], CultureInfo.InvariantCulture) / (double)rows;
        }

        return result;
    }

    private static object? Scalar(DuckDBConnection connection, string sql) => Rows(connection, sql)[0][0];

    private static List<object?[]> Rows(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
