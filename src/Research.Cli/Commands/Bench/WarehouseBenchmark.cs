using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Research.Cli.Infrastructure;
using Research.Data.Quality;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands.Bench;

/// <summary>
/// <c>research bench warehouse</c>: measures the warehouse on the data it holds, each figure beside a baseline
/// measured in the same run. (1) A point-in-time universe query for one date through the pinned reader
/// (open a session + query) versus the same SQL hand-written over the same files on a bare DuckDB connection.
/// (2) Validation and publish throughput for the current <c>crsp/daily</c> version.
/// </summary>
internal static class WarehouseBenchmark
{
    public static Command Create(CliOutput output)
    {
        var date = new Option<string?>("--date") { Description = "Universe date (default: the middle session of crsp/daily)." };
        var repeat = new Option<int>("--repeat") { Description = "Timed repetitions (median reported).", DefaultValueFactory = _ => 15 }.Positive();
        var warehouse = new Command("warehouse", "Pinned-reader universe query vs hand-written DuckDB; validation and publish throughput.") { date, repeat };
        warehouse.SetAction(async (parse, ct) =>
        {
            var layout = WarehouseOptions.Layout(parse);
            var catalog = new WarehouseCatalog(layout);
            var daily = catalog.ReadCurrent("crsp/daily") ?? throw new CliException("crsp/daily is not in the warehouse: run 'research sync --full-sync --dataset crsp' first.");
            var names = catalog.ReadCurrent("crsp/names") ?? throw new CliException("crsp/names is not in the warehouse: run 'research sync --full-sync --dataset crsp' first.");
            var n = Math.Max(3, parse.GetValue(repeat));
            var dailyFiles = daily.Files.Select(f => Path.Combine(layout.DatasetFolder("crsp/daily"), f.Path)).ToList();
            var nameFiles = names.Files.Select(f => Path.Combine(layout.DatasetFolder("crsp/names"), f.Path)).ToList();
            var day = parse.GetValue(date) ?? MiddleDate(dailyFiles);
            const string Template = """
                SELECT d.permno FROM {0} d JOIN {1} n ON n.permno = d.permno AND d.date BETWEEN n.namedt AND n.nameendt
                WHERE d.date = DATE '{2}' AND n.shrcd IN (10, 11) AND n.exchcd IN (1, 2, 3)
                """;

            long pinnedRows = 0;
            var pinned = BenchTiming.Median(n, () =>
            {
                using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default with { MaxRows = 1_000_000 }, TimeProvider.System, ["crsp/daily", "crsp/names"]);
                pinnedRows = session.Query(string.Format(CultureInfo.InvariantCulture, Template, "crsp.daily", "crsp.names", day), ct).Rows.Count;
            });
            var openOnly = BenchTiming.Median(n, () =>
            {
                using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, ["crsp/daily", "crsp/names"]);
            });
            long rawRows = 0;
            var raw = BenchTiming.Median(n, () =>
            {
                using var connection = new DuckDBConnection("DataSource=:memory:");
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = string.Format(CultureInfo.InvariantCulture, Template, $"read_parquet({DuckDbSql.List(dailyFiles)})", $"read_parquet({DuckDbSql.List(nameFiles)})", day);
                using var reader = command.ExecuteReader();
                rawRows = 0;
                while (reader.Read())
                {
                    rawRows++;
                }
            });
            if (pinnedRows != rawRows)
            {
                throw new CliException($"The pinned reader returned {pinnedRows} rows and the baseline {rawRows}: the benchmark is not comparing like with like.");
            }

            var warm = MeasureWarm(layout, n, dailyFiles, nameFiles, ct);

            var validation = Stopwatch.StartNew();
            var report = DatasetValidator.Validate(DatasetContracts.For("crsp/daily"), dailyFiles, daily.Rows, null);
            validation.Stop();

            var scratch = new WarehouseLayout(Path.Combine(layout.StagingFolder, "bench-" + Environment.ProcessId));
            var staged = Path.Combine(scratch.StagingFolder, "publish");
            var rows = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var f in daily.Files)
            {
                var relative = f.Path[(f.Path.IndexOf('/', "versions/".Length) + 1)..];
                var target = Path.Combine(staged, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(Path.Combine(layout.DatasetFolder("crsp/daily"), f.Path), target);
                rows[relative] = f.Rows;
            }

            var publish = Stopwatch.StartNew();
            await new DatasetPublisher(scratch, TimeProvider.System).PublishAsync("crsp/daily", staged, rows, "bench", "bench", ct).ConfigureAwait(false);
            publish.Stop();
            Directory.Delete(scratch.Root, recursive: true);

            var mb = daily.Bytes / 1e6;
            var results = new
            {
                dailyRows = daily.Rows,
                dailyMegabytes = Math.Round(mb, 1),
                universeDate = day,
                universeRows = pinnedRows,
                pinnedReaderMedianMs = Math.Round(pinned, 1),
                pinnedOpenOnlyMedianMs = Math.Round(openOnly, 1),
                handWrittenDuckDbMedianMs = Math.Round(raw, 1),
                ratio = Math.Round(pinned / raw, 2),
                validationSeconds = Math.Round(validation.Elapsed.TotalSeconds, 2),
                validationRowsPerSecond = Math.Round(daily.Rows / validation.Elapsed.TotalSeconds),
                validationPassed = report.Passed,
                publishSeconds = Math.Round(publish.Elapsed.TotalSeconds, 2),
                publishMegabytesPerSecond = Math.Round(mb / publish.Elapsed.TotalSeconds, 1),
                publishRowsPerSecond = Math.Round(daily.Rows / publish.Elapsed.TotalSeconds),
                repetitions = n,
                warm,
            };
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(results);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Measure", "Value", "Baseline (same run)", "Ratio");
            table.AddRow($"universe on {day} ({pinnedRows:N0} permnos), median of {n}", $"{pinned:F1} ms (pinned reader: open + query)", $"{raw:F1} ms (hand-written DuckDB)", $"{pinned / raw:F2}");
            table.AddRow("  of which: open the pinned session", $"{openOnly:F1} ms", "-", "-");
            foreach (var w in warm)
            {
                table.AddRow($"{w.Query}, median of {n}: warm reader (lent session)", $"{w.WarmMs:F1} ms", $"{w.PersistentMs:F1} ms (one persistent DuckDB connection)", $"{w.WarmMs / w.PersistentMs:F2}");
                table.AddRow($"  the same, a fresh session per query", $"{w.FreshMs:F1} ms", $"{w.PersistentMs:F1} ms", $"{w.FreshMs / w.PersistentMs:F2}");
            }

            table.AddRow($"validate crsp/daily ({daily.Rows:N0} rows)", $"{validation.Elapsed.TotalSeconds:F2} s ({daily.Rows / validation.Elapsed.TotalSeconds:N0} rows/s)", "-", "-");
            table.AddRow($"publish crsp/daily ({mb:F0} MB)", $"{publish.Elapsed.TotalSeconds:F2} s ({mb / publish.Elapsed.TotalSeconds:F0} MB/s)", "-", "-");
            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return warehouse;
    }

    private sealed record WarmFigure(string Query, double WarmMs, double PersistentMs, double FreshMs);

    /// <summary>
    /// Point-in-time queries as a long-lived process runs them: through a <see cref="WarehouseReader"/> (sessions kept
    /// open and lent), beside one persistent hand-written DuckDB connection (Parquet metadata cache on) running the same
    /// SQL over the same files, and beside today's one-session-per-query path. The three run in turn for each of
    /// <paramref name="n"/> dates (universe) and permnos (returns over the whole panel), after two warm-up rounds;
    /// medians reported. Every answer is checked to have the same number of rows on all three paths.
    /// </summary>
    private static List<WarmFigure> MeasureWarm(WarehouseLayout layout, int n, List<string> dailyFiles, List<string> nameFiles, CancellationToken ct)
    {
        var delistingFiles = new WarehouseCatalog(layout).ReadCurrent("crsp/delisting") is { } delisting
            ? delisting.Files.Select(f => Path.Combine(layout.DatasetFolder("crsp/delisting"), f.Path)).ToList()
            : throw new CliException("crsp/delisting is not in the warehouse: run 'research sync --full-sync --dataset crsp' first.");
        string[] datasets = ["crsp/daily", "crsp/names", "crsp/delisting"];
        using var persistent = new DuckDBConnection("DataSource=:memory:");
        persistent.Open();
        using (var set = persistent.CreateCommand())
        {
            set.CommandText = "SET parquet_metadata_cache = true";
            set.ExecuteNonQuery();
        }

        var (dates, permnos, first, last) = Samples(persistent, dailyFiles, n + 2);
        var (daily, names, delist) = ($"read_parquet({DuckDbSql.List(dailyFiles)})", $"read_parquet({DuckDbSql.List(nameFiles)})", $"read_parquet({DuckDbSql.List(delistingFiles)})");
        using var reader = new WarehouseReader(layout, TimeProvider.System);
        var figures = new List<WarmFigure>();
        foreach (var (label, provider, sql) in new (string, Func<Research.Data.Providers.Crsp.CrspProvider, int, int>, Func<int, string>)[]
                 {
                     ("universe on one date", (p, i) => p.Universe(dates[i]).Count, i => Research.Data.Providers.Crsp.CrspProvider.UniverseSql(dates[i], daily, names)),
                     ("returns of one permno, whole panel", (p, i) => p.Returns(permnos[i], first, last).Count, i => Research.Data.Providers.Crsp.CrspProvider.ReturnsSql(permnos[i], first, last, daily, delist)),
                 })
        {
            var (warmTimes, persistentTimes, freshTimes) = (new List<double>(), new List<double>(), new List<double>());
            for (var i = 0; i < n + 2; i++)
            {
                ct.ThrowIfCancellationRequested();
                var sw = Stopwatch.StartNew();
                int warmRows;
                using (var lease = reader.Current(datasets))
                {
                    warmRows = provider(new Research.Data.Providers.Crsp.CrspProvider(lease.Session), i);
                }

                var warmMs = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                var rawRows = 0;
                using (var command = persistent.CreateCommand())
                {
                    command.CommandText = sql(i);
                    using var rows = command.ExecuteReader();
                    var values = new object[rows.FieldCount];
                    while (rows.Read())
                    {
                        rows.GetValues(values);
                        rawRows++;
                    }
                }

                var persistentMs = sw.Elapsed.TotalMilliseconds;
                sw.Restart();
                int freshRows;
                using (var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, datasets))
                {
                    freshRows = provider(new Research.Data.Providers.Crsp.CrspProvider(session), i);
                }

                var freshMs = sw.Elapsed.TotalMilliseconds;
                if (warmRows != rawRows || freshRows != rawRows)
                {
                    throw new CliException($"{label}: the warm reader returned {warmRows} rows, a fresh session {freshRows} and the persistent connection {rawRows}: not comparing like with like.");
                }

                if (i >= 2)
                {
                    warmTimes.Add(warmMs);
                    persistentTimes.Add(persistentMs);
                    freshTimes.Add(freshMs);
                }
            }

            static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
            figures.Add(new WarmFigure(label, Median(warmTimes), Median(persistentTimes), Median(freshTimes)));
        }

        return figures;
    }

    /// <summary>Evenly spread sessions and random permnos of the panel (seeded), and its first and last date.</summary>
    private static (DateOnly[] Dates, int[] Permnos, DateOnly First, DateOnly Last) Samples(DuckDBConnection connection, List<string> dailyFiles, int count)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT list(DISTINCT date ORDER BY date), list(DISTINCT permno ORDER BY permno) FROM read_parquet({DuckDbSql.List(dailyFiles)})";
        using var rows = command.ExecuteReader();
        rows.Read();
        var dates = rows.GetFieldValue<List<DateOnly>>(0);
        var permnos = rows.GetFieldValue<List<int>>(1);
        var random = new Random(42);
        return ([.. Enumerable.Range(0, count).Select(i => dates[(int)((long)(i + 1) * dates.Count / (count + 1))])], [.. Enumerable.Range(0, count).Select(_ => permnos[random.Next(permnos.Count)])], dates[0], dates[^1]);
    }

    private static string MiddleDate(IReadOnlyList<string> files)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT strftime(quantile_disc(date, 0.5), '%Y-%m-%d') FROM read_parquet({DuckDbSql.List(files)})";
        return (string)command.ExecuteScalar()!;
    }
}
