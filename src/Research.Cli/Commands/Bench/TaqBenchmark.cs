using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Research.Analytics.Microstructure;
using Research.Cli.Infrastructure;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands.Bench;

/// <summary>
/// <c>research bench taq</c>: one day of ticks for every stock of a synthetic market (synced into a scratch warehouse),
/// then (1) one-minute bars and daily realized variance at five minutes by the platform (<see cref="TaqTicks"/> merging
/// trades and quotes per symbol-day, <see cref="IntradayMeasures.Bars"/>, the RV grid of <see cref="RealizedMeasures"/>)
/// against the same two results as DuckDB SQL over the same Parquet files, in the same run, in rows read per second;
/// both must agree (bars, shares, RV); (2) VPIN over 500 stock-days (50 stocks x 10 days) of a second market.
/// </summary>
internal static class TaqBenchmark
{
    public static Command Create(CliOutput output)
    {
        var stocks = new Option<int>("--stocks") { Description = "Stocks of the synthetic market, all with ticks (default 500).", DefaultValueFactory = _ => 500 }.Between(10, 5_000);
        var days = new Option<int>("--days") { Description = "Days of ticks (default 1).", DefaultValueFactory = _ => 1 }.Between(1, 250);
        var tradeSize = new Option<int>("--trade-size") { Description = "Mean trade size in shares (default 200; larger means fewer ticks for the same volume).", DefaultValueFactory = _ => 200 }.Between(100, 1_000_000);
        var vpinStockCount = new Option<int>("--vpin-stocks") { Description = "Stocks of the VPIN market (default 50).", DefaultValueFactory = _ => 50 }.Between(10, 5_000);
        var vpinDayCount = new Option<int>("--vpin-days") { Description = "Days of ticks of the VPIN market (default 10: 500 stock-days).", DefaultValueFactory = _ => 10 }.Between(2, 250);
        var repeat = new Option<int>("--repeat") { Description = "Timed repetitions (median reported).", DefaultValueFactory = _ => 3 }.Positive();
        var command = new Command("taq", "One-minute bars and daily RV from a day of ticks of the whole synthetic market, against a same-run DuckDB scan; VPIN per stock-day.") { stocks, days, tradeSize, vpinStockCount, vpinDayCount, repeat };
        command.SetAction(async (parse, ct) =>
        {
            var root = Path.Combine(Path.GetTempPath(), "research-bench-taq-" + Environment.ProcessId);
            try
            {
                var layout = new WarehouseLayout(root);
                var n = parse.GetValue(stocks);
                var options = new SyntheticMarketOptions { Stocks = n, Years = 1, EndYear = 2024, Seed = 11, IntradaySymbols = n, IntradayDays = parse.GetValue(days), IntradayTradeSize = parse.GetValue(tradeSize) };
                var source = new SyntheticSyncSource(layout, options);
                var manager = new SyncManager(layout, TimeProvider.System);
                var generate = Stopwatch.StartNew();
                foreach (var dataset in TaqTicks.Datasets)
                {
                    await manager.SyncAsync(dataset, SyncMode.Full, source, "bench", cancellationToken: ct).ConfigureAwait(false);
                }

                output.Info($"ticks generated and synced in {generate.Elapsed.TotalSeconds:F1} s");
                var catalog = new WarehouseCatalog(layout);
                string Files(string dataset) => DuckDbSql.List(catalog.ReadCurrent(dataset)!.Files.Select(f => Path.Combine(layout.DatasetFolder(dataset), f.Path)));
                var (trades, quotes) = (catalog.ReadCurrent("taq/trades")!.Rows, catalog.ReadCurrent("taq/quotes")!.Rows);
                var rows = trades + quotes;
                var k = parse.GetValue(repeat);

                // The sessions' hours from the NYSE calendar (a half day closes at 13:00), for the SQL.
                var dates = new List<DateOnly>();
                using (var connection = new DuckDBConnection("DataSource=:memory:"))
                {
                    connection.Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = $"SELECT DISTINCT date FROM read_parquet({Files("taq/quotes")}) ORDER BY 1";
                    using var reader = command.ExecuteReader();
                    while (reader.Read())
                    {
                        dates.Add(DateOnly.FromDateTime(reader.GetDateTime(0)));
                    }
                }

                var hours = string.Join(", ", dates.Select(d =>
                {
                    var h = Research.Core.Calendars.NyseCalendar.Instance.GetSessionHours(d)!;
                    var open = (long)h.Open.ToTimeSpan().TotalMicroseconds;
                    return string.Create(CultureInfo.InvariantCulture, $"({DuckDbSql.Date(d)}, {open}, {open + (long)h.Length.TotalMicroseconds})");
                }));

                // (1a) The platform: ticks merged per symbol-day, bars and RV.
                List<(string Symbol, DateOnly Date, int Bars, long Volume, double Rv)> ours = [];
                var platform = BenchTiming.Median(k, () =>
                {
                    ours = [];
                    using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, TaqTicks.Datasets);
                    foreach (var day in TaqTicks.Read(session, cancellationToken: ct))
                    {
                        var bars = IntradayMeasures.Bars(day.Events, day.Open, day.Close);
                        var returns = RealizedMeasures.Returns(day.Events, RealizedMeasures.Grid(day.Open, day.Close, 300, 0));
                        ours.Add((day.Symbol, day.Date, bars.Count, bars.Sum(b => b.Volume), returns.Sum(r => r * r)));
                    }
                });

                // Of which reading and merging the ticks alone.
                var reading = BenchTiming.Median(k, () =>
                {
                    using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, TaqTicks.Datasets);
                    foreach (var day in TaqTicks.Read(session, cancellationToken: ct))
                    {
                        _ = day.Events.Count;
                    }
                });

                // (1b) DuckDB over the same files: bars GROUP BY minute; RV from the last midquote at or before each five-minute mark
                // (the day's first quote standing for the open when none came before it, as the platform has it).
                var baseline = new Dictionary<(string, DateOnly), (int Bars, long Volume, double Rv)>();
                var duck = BenchTiming.Median(k, () =>
                {
                    baseline.Clear();
                    using var connection = new DuckDBConnection("DataSource=:memory:");
                    connection.Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = $"""
                        WITH h(date, open_us, close_us) AS (VALUES {hours}),
                        t AS (SELECT x.* FROM read_parquet({Files("taq/trades")}) x JOIN h USING (date) WHERE price > 0 AND size > 0 AND time_m_us >= open_us AND time_m_us < close_us)
                        SELECT sym_root, date, count(*) AS bars, sum(volume)::BIGINT AS volume FROM (
                            SELECT sym_root, date, time_m_us // 60000000 AS minute, arg_min(price, time_m_us) AS o, max(price) AS h, min(price) AS l,
                                   arg_max(price, time_m_us) AS c, sum(size) AS volume, sum(price * size) / sum(size) AS vwap, count(*) AS n
                            FROM t GROUP BY ALL) GROUP BY ALL
                        """;
                    using (var reader = command.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            baseline[(reader.GetString(0), DateOnly.FromDateTime(reader.GetDateTime(1)))] = ((int)reader.GetInt64(2), reader.GetInt64(3), 0);
                        }
                    }

                    command.CommandText = $"""
                        WITH h(date, open_us, close_us) AS (VALUES {hours}),
                        q AS (SELECT sym_root, date, time_m_us, (bid + ask) / 2 AS mid, open_us FROM read_parquet({Files("taq/quotes")}) JOIN h USING (date) WHERE bid > 0 AND ask >= bid AND time_m_us <= close_us),
                        marks AS (SELECT sym_root, date, greatest(ceil((time_m_us - open_us) / 300000000.0), 0) AS mark, arg_max(mid, time_m_us) AS mid FROM q GROUP BY ALL),
                        firsts AS (SELECT sym_root, date, 0 AS mark, arg_min(mid, time_m_us) AS mid FROM q GROUP BY ALL),
                        anchored AS (SELECT * FROM marks UNION ALL SELECT f.* FROM firsts f ANTI JOIN (SELECT * FROM marks WHERE mark = 0) m USING (sym_root, date)),
                        r AS (SELECT sym_root, date, ln(mid / lag(mid) OVER (PARTITION BY sym_root, date ORDER BY mark)) AS r FROM anchored)
                        SELECT sym_root, date, sum(r * r) FROM r GROUP BY ALL
                        """;
                    using (var reader = command.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            var key = (reader.GetString(0), DateOnly.FromDateTime(reader.GetDateTime(1)));
                            baseline[key] = baseline.GetValueOrDefault(key) with { Rv = reader.IsDBNull(2) ? 0 : reader.GetDouble(2) };
                        }
                    }
                });

                // Both must agree before their speeds mean anything.
                var worst = 0.0;
                foreach (var o in ours)
                {
                    var b = baseline.GetValueOrDefault((o.Symbol, o.Date));
                    if (b.Bars != o.Bars || b.Volume != o.Volume)
                    {
                        throw new CliException($"{o.Symbol} {o.Date:yyyy-MM-dd}: {o.Bars} bars of {o.Volume} shares here, {b.Bars} of {b.Volume} by DuckDB: the benchmark is not comparing like with like.");
                    }

                    worst = Math.Max(worst, Math.Abs(o.Rv - b.Rv) / Math.Max(b.Rv, 1e-300));
                }

                if (ours.Count != baseline.Count || worst > 1e-9)
                {
                    throw new CliException($"{ours.Count} symbol-days here, {baseline.Count} by DuckDB; largest relative RV difference {worst:E2}.");
                }

                // (2) VPIN over stock-days of a second market: its stocks' days of ticks (ADV the stock's mean daily volume,
                // buckets of ADV/50, a window of 50).
                var vpinRoot = new WarehouseLayout(Path.Combine(root, "vpin"));
                var (vpinStocks, vpinDays) = (parse.GetValue(vpinStockCount), parse.GetValue(vpinDayCount));
                var vpinSource = new SyntheticSyncSource(vpinRoot, options with { Stocks = vpinStocks, IntradaySymbols = vpinStocks, IntradayDays = vpinDays });
                var vpinManager = new SyncManager(vpinRoot, TimeProvider.System);
                foreach (var dataset in TaqTicks.Datasets)
                {
                    await vpinManager.SyncAsync(dataset, SyncMode.Full, vpinSource, "bench", cancellationToken: ct).ConfigureAwait(false);
                }

                var (vpinValues, stockDays) = (0, 0);
                var vpin = BenchTiming.Median(k, () =>
                {
                    (vpinValues, stockDays) = (0, 0);
                    using var session = WarehouseQuerySession.Open(vpinRoot, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, TaqTicks.Datasets);
                    foreach (var symbol in TaqTicks.Read(session, cancellationToken: ct).GroupBy(d => d.Symbol))
                    {
                        var symbolDays = symbol.OrderBy(d => d.Date).ToList();
                        stockDays += symbolDays.Count;
                        var adv = Vpin.AverageDailyVolume(symbolDays);
                        var bars = Vpin.Bars(symbolDays);
                        if (adv > 0 && bars.Count > 1 && bars.Any(b => b.PriceChange != bars[0].PriceChange))
                        {
                            vpinValues += Vpin.Measure(bars, adv).Values.Count();
                        }
                    }
                });

                var result = new
                {
                    stocks = n,
                    days = parse.GetValue(days),
                    symbolDays = ours.Count,
                    trades,
                    quotes,
                    rows,
                    platformMs = platform,
                    duckDbMs = duck,
                    platformRowsPerSecond = rows / (platform / 1000),
                    duckDbRowsPerSecond = rows / (duck / 1000),
                    ratio = duck / platform,
                    largestRvDifference = worst,
                    readMs = reading,
                    vpinMs = vpin,
                    vpinStockDays = stockDays,
                    vpinValues,
                    processors = Environment.ProcessorCount,
                };
                if (parse.GetValue(CliOptions.Json))
                {
                    output.WriteJson(result);
                    return ExitCodes.Ok;
                }

                var table = new Table().AddColumns("", "Platform", "DuckDB SQL", "Platform / DuckDB speed");
                table.AddRow("Bars + daily RV", $"{platform:F0} ms ({result.platformRowsPerSecond:N0} rows/s)", $"{duck:F0} ms ({result.duckDbRowsPerSecond:N0} rows/s)", result.ratio.ToString("F2", CultureInfo.InvariantCulture));
                output.Out.WriteLine($"{ours.Count} symbol-days, {trades:N0} trades and {quotes:N0} quotes; results equal (largest relative RV difference {worst:E1}); median of {k}, {Environment.ProcessorCount} processors");
                output.Console.Write(table);
                output.Out.WriteLine($"Of the platform's time, reading and merging the ticks: {reading:F0} ms");
                output.Out.WriteLine($"VPIN of {stockDays} stock-days ({vpinStocks} stocks x {vpinDays} days, ticks read included): {vpin:F0} ms ({vpinValues:N0} VPIN values)");
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
}
