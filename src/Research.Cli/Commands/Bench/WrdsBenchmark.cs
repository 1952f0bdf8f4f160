using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands.Bench;

/// <summary>
/// <c>research bench wrds</c>: sync throughput from a WRDS(-shaped) server beside a raw binary COPY of the same
/// query in the same run, then provider latencies on the synced data. Writes into a scratch warehouse that is
/// deleted afterwards; the server is only read.
/// </summary>
internal static class WrdsBenchmark
{
    public static Command Create(CliOutput output)
    {
        var repeat = new Option<int>("--repeat") { Description = "Alternating raw/sync rounds (median reported).", DefaultValueFactory = _ => 3 }.Positive();
        var command = new Command("wrds", "Sync throughput (rows/s) vs raw COPY TO STDOUT of the same query; CRSP provider latencies on the result.") { repeat };
        foreach (var option in WrdsConnectionOptions.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            var configuration = CliConfiguration.Build(parse);
            await using var client = WrdsConnectionOptions.CreateClient(parse, configuration);
            var source = new Research.Data.Providers.Wrds.WrdsSyncSource(client, WrdsConnectionOptions.ParseFormat(parse));
            var query = await source.QueryForAsync("crsp/daily", ct).ConfigureAwait(false);
            var scratchRoot = Path.Combine(Path.GetTempPath(), "research-bench-wrds-" + Environment.ProcessId);
            var rounds = Math.Max(1, parse.GetValue(repeat));
            var rawSeconds = new List<double>();
            var syncSeconds = new List<double>();
            var streamSeconds = new List<double>();
            long rows = 0;
            long rawBytes = 0;
            try
            {
                for (var round = 0; round < rounds; round++)
                {
                    var sw = Stopwatch.StartNew();
                    rawBytes = await client.DrainRawCopyAsync(query.Sql(), ct).ConfigureAwait(false);
                    rawSeconds.Add(sw.Elapsed.TotalSeconds);

                    sw.Restart();
                    await client.CopyToParquetAsync(query.Sql(), query.Columns, Path.Combine(scratchRoot, "stream-only.parquet"), "crsp/daily", null, ct).ConfigureAwait(false);
                    streamSeconds.Add(sw.Elapsed.TotalSeconds);

                    var layout = new WarehouseLayout(Path.Combine(scratchRoot, "round-" + round.ToString(CultureInfo.InvariantCulture)));
                    sw.Restart();
                    var outcome = await new Research.Data.Sync.SyncManager(layout, TimeProvider.System).SyncAsync("crsp/daily", Research.Data.Sync.SyncMode.Full, source, "bench", null, ct).ConfigureAwait(false);
                    syncSeconds.Add(sw.Elapsed.TotalSeconds);
                    rows = outcome.Manifest.Rows;
                }

                // Provider latencies on the last round's warehouse (names and delistings synced too).
                var last = new WarehouseLayout(Path.Combine(scratchRoot, "round-" + (rounds - 1).ToString(CultureInfo.InvariantCulture)));
                foreach (var dataset in (string[])["crsp/names", "crsp/delisting"])
                {
                    await new Research.Data.Sync.SyncManager(last, TimeProvider.System).SyncAsync(dataset, Research.Data.Sync.SyncMode.Full, source, "bench", null, ct).ConfigureAwait(false);
                }

                using var session = WarehouseQuerySession.Open(last, VersionSelector.Current, QueryLimits.Default, TimeProvider.System);
                var crsp = new Research.Data.Providers.Crsp.CrspProvider(session);
                var (permnos, first, lastDate, middle) = PanelFacts(session);
                var returnsMs = BenchTiming.Median(15, () => crsp.Returns(permnos[Random.Shared.Next(permnos.Count)], first, lastDate));
                var universeMs = BenchTiming.Median(15, () => crsp.Universe(middle));
                rawSeconds.Sort();
                syncSeconds.Sort();
                streamSeconds.Sort();
                var stream = streamSeconds[streamSeconds.Count / 2];
                var raw = rawSeconds[rawSeconds.Count / 2];
                var synced = syncSeconds[syncSeconds.Count / 2];
                var results = new
                {
                    server = client.Target,
                    crspFormat = (await source.FormatAsync(ct).ConfigureAwait(false)).ToString().ToUpperInvariant(),
                    rows,
                    rawCopyMegabytes = Math.Round(rawBytes / 1e6, 1),
                    rawCopySeconds = Math.Round(raw, 2),
                    rawCopyRowsPerSecond = Math.Round(rows / raw),
                    syncSeconds = Math.Round(synced, 2),
                    syncRowsPerSecond = Math.Round(rows / synced),
                    syncVersusRaw = Math.Round(raw / synced, 2),
                    streamOnlySeconds = Math.Round(stream, 2),
                    streamOnlyVersusRaw = Math.Round(raw / stream, 2),
                    panelYears = Math.Round((lastDate.DayNumber - first.DayNumber) / 365.25, 1),
                    returnsOnePermnoWholePanelMedianMs = Math.Round(returnsMs, 1),
                    universeOneDateMedianMs = Math.Round(universeMs, 1),
                    rounds,
                };
                if (parse.GetValue(CliOptions.Json))
                {
                    output.WriteJson(results);
                    return ExitCodes.Ok;
                }

                var table = new Table().AddColumns("Measure", "Value", "Baseline (same run)", "Ratio");
                table.AddRow($"sync crsp/daily ({rows:N0} rows, {results.crspFormat}), median of {rounds}", $"{synced:F2} s ({rows / synced:N0} rows/s)",
                    $"{raw:F2} s raw COPY TO STDOUT ({rows / raw:N0} rows/s, {rawBytes / 1e6:F0} MB)", $"{raw / synced:F2}");
                table.AddRow("  of which: one COPY streamed into one Parquet file (no plan, validation, publish)", $"{stream:F2} s ({rows / stream:N0} rows/s)", "-", $"{raw / stream:F2}");
                table.AddRow($"CRSP returns, one permno over {results.panelYears} years", $"{returnsMs:F1} ms", "-", "-");
                table.AddRow($"CRSP universe on {middle:yyyy-MM-dd}", $"{universeMs:F1} ms", "-", "-");
                output.Console.Write(table);
                return ExitCodes.Ok;
            }
            finally
            {
                if (Directory.Exists(scratchRoot))
                {
                    Directory.Delete(scratchRoot, recursive: true);
                }
            }
        });
        return command;
    }

    private static (List<int> Permnos, DateOnly First, DateOnly Last, DateOnly Middle) PanelFacts(WarehouseQuerySession session)
    {
        using var command = session.CreateTrustedCommand("SELECT min(date), max(date), quantile_disc(date, 0.5) FROM crsp.daily");
        using var reader = command.ExecuteReader();
        reader.Read();
        var (first, last, middle) = (reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1), reader.GetFieldValue<DateOnly>(2));
        using var permnoCommand = session.CreateTrustedCommand("SELECT DISTINCT permno FROM crsp.names ORDER BY 1");
        using var permnoReader = permnoCommand.ExecuteReader();
        var permnos = new List<int>();
        while (permnoReader.Read())
        {
            permnos.Add(permnoReader.GetInt32(0));
        }

        return (permnos, first, last, middle);
    }
}
