using System.CommandLine;
using System.Diagnostics;
using DuckDB.NET.Data;
using Research.Cli.Infrastructure;
using Research.Core.Calendars;
using Research.Data.Etl;
using Research.Data.Fetching;
using Research.Data.Providers.Yahoo;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands.Bench;

/// <summary>
/// <c>research bench fetch</c>: the fetcher and the ETL over a warm Yahoo cache of N symbols x Y years (made up here:
/// random walks with quarterly dividends and a split every seven years, written through the cache's own write path),
/// each beside a baseline measured in the same run:
/// (1) every symbol through the fetcher (cache check, Parquet read, returns, NYSE alignment, source records; no request
///     may be made) versus one hand-written DuckDB query reading the same cached Parquet files into memory;
/// (2) the ETL's first load into <c>prices/daily</c> and its rerun with nothing new.
/// </summary>
internal static class FetchBenchmark
{
    public static Command Create(CliOutput output)
    {
        var symbols = new Option<int>("--symbols") { Description = "Symbols in the cache.", DefaultValueFactory = _ => 500 }.Positive();
        var years = new Option<int>("--years") { Description = "Years of daily bars per symbol, ending 2024-12-31.", DefaultValueFactory = _ => 20 }.Between(1, 60);
        var repeat = new Option<int>("--repeat") { Description = "Timed repetitions of the read (median reported).", DefaultValueFactory = _ => 5 }.Positive();
        var command = new Command("fetch", "The fetcher over a warm Yahoo cache vs reading the cached Parquet directly; the ETL's load and no-op rerun.") { symbols, years, repeat };
        command.SetAction(async (parse, ct) =>
        {
            var (n, y, reps) = (parse.GetValue(symbols), parse.GetValue(years), parse.GetValue(repeat));
            var root = Path.Combine(Path.GetTempPath(), $"research-bench-fetch-{Environment.ProcessId}");
            try
            {
                var layout = new WarehouseLayout(root);
                var to = new DateOnly(2024, 12, 31);
                var from = new DateOnly(to.Year - y + 1, 1, 1);
                var sessions = NyseCalendar.Instance.Sessions(from, to);
                var names = Enumerable.Range(0, n).Select(i => $"S{i:D4}").ToList();
                var cache = new YahooHistoryCache(MarketDataChain.DefaultYahooCache(layout));
                var write = Stopwatch.StartNew();
                await output.WithProgressAsync("bench fetch: writing the cache", async p =>
                {
                    var done = 0;
                    await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, async (i, token) =>
                    {
                        await cache.WriteAsync(new YahooCacheEntry(Series(names[i], i, sessions), from, to, TimeProvider.System.GetUtcNow()), token).ConfigureAwait(false);
                        p.Report(("writing", (double)Interlocked.Increment(ref done) / n));
                    }).ConfigureAwait(false);
                    return done;
                }).ConfigureAwait(false);
                write.Stop();
                var files = names.Select(s => cache.Files(s).Parquet).ToList();
                var rows = (long)n * sessions.Count;

                long baselineRows = 0;
                var baseline = BenchTiming.Median(reps, () => baselineRows = ReadDirectly(files));
                using var http = new HttpClient();
                using var client = new YahooChartClient(http, new YahooClientOptions { BaseAddress = new Uri("http://127.0.0.1:9/"), MaxRetries = 0 }, TimeProvider.System);
                using var metrics = new FetcherMetrics();
                var yahoo = new YahooMarketData(client, cache, TimeProvider.System);
                var fetcher = new MarketDataFetcher([yahoo], metrics);
                long fetchedRows = 0;
                var fetched = BenchTiming.Median(reps, () =>
                {
                    var (ok, failed) = fetcher.FetchManyAsync(names, from, to, parallelism: Environment.ProcessorCount, cancellationToken: ct).GetAwaiter().GetResult();
                    fetchedRows = failed.Count == 0 ? ok.Sum(f => (long)f.Bars.Count) : throw new CliException($"bench: {failed.Count} symbols failed: {failed[0].Reason}");
                });
                if (yahoo.Requests != 0 || fetchedRows != rows || baselineRows != rows)
                {
                    throw new CliException($"bench: expected {rows:N0} rows from the cache with no request; the fetcher gave {fetchedRows:N0} after {yahoo.Requests} request(s), the baseline {baselineRows:N0}.");
                }

                var etl = new HistoricalEtl(layout, fetcher, TimeProvider.System) { Parallelism = Environment.ProcessorCount };
                var load = Stopwatch.StartNew();
                var stages = new List<(string Stage, double Seconds)>();
                var first = await etl.RunAsync(new EtlRequest("prices/daily", names, from, to), "bench", new SynchronousProgress<(string Stage, double Fraction)>(p =>
                {
                    var stage = StageOf(p.Stage);
                    lock (stages)
                    {
                        if (stages.Count == 0 || stages[^1].Stage != stage)
                        {
                            stages.Add((stage, load.Elapsed.TotalSeconds));
                        }
                    }
                }), ct).ConfigureAwait(false);
                load.Stop();
                var breakdown = stages.Select((x, i) => (x.Stage, Seconds: (i + 1 < stages.Count ? stages[i + 1].Seconds : load.Elapsed.TotalSeconds) - x.Seconds))
                    .GroupBy(x => x.Stage).Select(g => (Stage: g.Key, Seconds: g.Sum(x => x.Seconds))).ToList();
                var rerun = Stopwatch.StartNew();
                var second = await etl.RunAsync(new EtlRequest("prices/daily", names, from, to), "bench", cancellationToken: ct).ConfigureAwait(false);
                rerun.Stop();
                if (first.Rows != rows || second.Published is not null)
                {
                    throw new CliException($"bench: the ETL loaded {first.Rows:N0} rows (expected {rows:N0}) and its rerun published {second.Published ?? "nothing"}.");
                }

                var results = new
                {
                    symbols = n,
                    years = y,
                    rows,
                    cacheWriteSeconds = Math.Round(write.Elapsed.TotalSeconds, 2),
                    fetcherMedianMs = Math.Round(fetched),
                    directParquetMedianMs = Math.Round(baseline),
                    ratio = Math.Round(fetched / baseline, 2),
                    etlLoadSeconds = Math.Round(load.Elapsed.TotalSeconds, 2),
                    etlStages = breakdown.ToDictionary(b => b.Stage, b => Math.Round(b.Seconds, 2)),
                    etlRowsPerSecond = Math.Round(rows / load.Elapsed.TotalSeconds),
                    etlNothingNewSeconds = Math.Round(rerun.Elapsed.TotalSeconds, 2),
                    etlNothingNewRatioToFetch = Math.Round(rerun.Elapsed.TotalMilliseconds / fetched, 2),
                    repetitions = reps,
                    processors = Environment.ProcessorCount,
                };
                if (parse.GetValue(CliOptions.Json))
                {
                    output.WriteJson(results);
                    return ExitCodes.Ok;
                }

                var table = new Table().AddColumns("Measure", "Value", "Baseline (same run)", "Ratio");
                table.AddRow($"{n} symbols x {y} years ({rows:N0} rows) through the fetcher, warm cache, median of {reps}", $"{fetched:N0} ms", $"{baseline:N0} ms (one DuckDB query over the cached Parquet)", $"{fetched / baseline:F2}");
                table.AddRow("ETL first load into prices/daily (fetch, align, validate, publish)", $"{load.Elapsed.TotalSeconds:F2} s ({rows / load.Elapsed.TotalSeconds:N0} rows/s)", $"{fetched:N0} ms (its fetch alone)", $"{load.Elapsed.TotalMilliseconds / fetched:F2}");
                foreach (var (stage, seconds) in breakdown)
                {
                    table.AddRow($"  of which {stage}", $"{seconds:F2} s", "-", "-");
                }

                table.AddRow("ETL rerun, nothing new (nothing published)", $"{rerun.Elapsed.TotalSeconds:F2} s", $"{fetched:N0} ms (its fetch alone)", $"{rerun.Elapsed.TotalMilliseconds / fetched:F2}");
                table.AddRow("writing the cache (setup)", $"{write.Elapsed.TotalSeconds:F2} s", "-", "-");
                output.Console.Write(table);
                return ExitCodes.Ok;
            }
            finally
            {
                if (Directory.Exists(root))
                {
                    Directory.Delete(root, recursive: true);
                }
            }
        });
        return command;
    }

    /// <summary>A made-up series: a random walk from 50 (seeded by the symbol's index), a dividend of 0.5% every 63 sessions, a 2:1 split every 1,764 sessions.</summary>
    private static YahooChartSeries Series(string symbol, int index, IReadOnlyList<DateOnly> sessions)
    {
        var random = new Random(index);
        var bars = new List<YahooBar>(sessions.Count);
        var dividends = new List<YahooDividend>();
        var splits = new List<YahooSplit>();
        var close = 50.0;
        for (var t = 0; t < sessions.Count; t++)
        {
            close *= Math.Exp(0.02 * ((random.NextDouble() * 2) - 1));
            bars.Add(new YahooBar(sessions[t], close, close * 1.01, close * 0.99, close, close, 100_000 + random.Next(1_000_000)));
            if (t > 0 && t % 63 == 0)
            {
                dividends.Add(new YahooDividend(sessions[t], Math.Round(close * 0.005, 4)));
            }

            if (t > 0 && (t + index) % 1764 == 0)
            {
                splits.Add(new YahooSplit(sessions[t], 2, 1));
            }
        }

        return new YahooChartSeries(symbol, "USD", "USD", 1, "America/New_York", bars, dividends, splits);
    }

    /// <summary>The ETL's stage without its counters: "extract 12/500" is "extract", "load: pulled year=2004" is "load: pulled".</summary>
    private static string StageOf(string stage)
    {
        var words = stage.Split(' ');
        return words[0] == "load:" && words.Length > 1 ? $"load: {words[1]}" : words[0];
    }

    private static long ReadDirectly(IReadOnlyList<string> files)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT date, open, high, low, close, adjclose, volume FROM read_parquet({DuckDbSql.List(files)})";
        using var reader = command.ExecuteReader();
        long rows = 0;
        var sum = 0.0;
        while (reader.Read())
        {
            rows++;
            _ = reader.GetFieldValue<DateOnly>(0);
            for (var c = 1; c <= 6; c++)
            {
                sum += reader.IsDBNull(c) ? 0 : reader.GetDouble(c);
            }
        }

        return double.IsNaN(sum) ? -1 : rows;
    }
}
