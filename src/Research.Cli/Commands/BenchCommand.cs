using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Research.Cli.Infrastructure;
using Research.Data.Quality;
using Research.Data.Warehouse;
using Spectre.Console;
using Research.Core.Randomness;
using Research.Core.Calendars;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research bench warehouse</c>: measures the warehouse on the data it holds, each figure beside a baseline
/// measured in the same run. (1) A point-in-time universe query for one date through the pinned reader
/// (open a session + query) versus the same SQL hand-written over the same files on a bare DuckDB connection.
/// (2) Validation and publish throughput for the current <c>crsp/daily</c> version.
/// </summary>
public static class BenchCommand
{
    public static Command Create(CliOutput output)
    {
        var bench = new Command("bench", "Benchmarks with same-run baselines (results go to docs/PERFORMANCE.md).");
        var date = new Option<string?>("--date") { Description = "Universe date (default: the middle session of crsp/daily)." };
        var repeat = new Option<int>("--repeat") { Description = "Timed repetitions (median reported).", DefaultValueFactory = _ => 15 };
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
            var pinned = Time(n, () =>
            {
                using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default with { MaxRows = 1_000_000 }, TimeProvider.System, ["crsp/daily", "crsp/names"]);
                pinnedRows = session.Query(string.Format(CultureInfo.InvariantCulture, Template, "crsp.daily", "crsp.names", day), ct).Rows.Count;
            });
            var openOnly = Time(n, () =>
            {
                using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, TimeProvider.System, ["crsp/daily", "crsp/names"]);
            });
            long rawRows = 0;
            var raw = Time(n, () =>
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
            };
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(results);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Measure", "Value", "Baseline (same run)", "Ratio");
            table.AddRow($"universe on {day} ({pinnedRows:N0} permnos), median of {n}", $"{pinned:F1} ms (pinned reader: open + query)", $"{raw:F1} ms (hand-written DuckDB)", $"{pinned / raw:F2}");
            table.AddRow("  of which: open the pinned session", $"{openOnly:F1} ms", "-", "-");
            table.AddRow($"validate crsp/daily ({daily.Rows:N0} rows)", $"{validation.Elapsed.TotalSeconds:F2} s ({daily.Rows / validation.Elapsed.TotalSeconds:N0} rows/s)", "-", "-");
            table.AddRow($"publish crsp/daily ({mb:F0} MB)", $"{publish.Elapsed.TotalSeconds:F2} s ({mb / publish.Elapsed.TotalSeconds:F0} MB/s)", "-", "-");
            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        bench.Subcommands.Add(warehouse);
        bench.Subcommands.Add(Wrds(output));
        bench.Subcommands.Add(Optimizer(output));
        bench.Subcommands.Add(Risk(output));
        bench.Subcommands.Add(Backtest(output));
        return bench;
    }

    /// <summary>
    /// <c>research bench wrds</c>: sync throughput from a WRDS(-shaped) server beside a raw binary COPY of the same
    /// query in the same run, then provider latencies on the synced data. Writes into a scratch warehouse that is
    /// deleted afterwards; the server is only read.
    /// </summary>
    private static Command Wrds(CliOutput output)
    {
        var repeat = new Option<int>("--repeat") { Description = "Alternating raw/sync rounds (median reported).", DefaultValueFactory = _ => 3 };
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
                foreach (var dataset in new[] { "crsp/names", "crsp/delisting" })
                {
                    await new Research.Data.Sync.SyncManager(last, TimeProvider.System).SyncAsync(dataset, Research.Data.Sync.SyncMode.Full, source, "bench", null, ct).ConfigureAwait(false);
                }

                using var session = WarehouseQuerySession.Open(last, VersionSelector.Current, QueryLimits.Default, TimeProvider.System);
                var crsp = new Research.Data.Providers.Crsp.CrspProvider(session);
                var (permnos, first, lastDate, middle) = PanelFacts(session);
                var returnsMs = Time(15, () => crsp.Returns(permnos[Random.Shared.Next(permnos.Count)], first, lastDate));
                var universeMs = Time(15, () => crsp.Universe(middle));
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

    /// <summary>
    /// <c>research bench optimizer</c>: mean-variance with budget, long-only position limits, industry bounds,
    /// turnover and linear costs on a seeded random 60-factor model, solved through the factor structure and, in the
    /// same run, through the dense covariance of the same model; reports both times, KKT residuals and how far apart
    /// the two answers are.
    /// </summary>
    private static Command Optimizer(CliOutput output)
    {
        var sizes = new Option<string>("--assets") { Description = "Comma-separated numbers of assets.", DefaultValueFactory = _ => "500,3000" };
        var factors = new Option<int>("--factors") { Description = "Factors in the model.", DefaultValueFactory = _ => 60 };
        var industries = new Option<int>("--industries") { Description = "Industry groups with weight bounds.", DefaultValueFactory = _ => 30 };
        var denseLimit = new Option<int>("--dense-up-to") { Description = "Largest problem also solved densely.", DefaultValueFactory = _ => 3000 };
        var command = new Command("optimizer", "Factor-structured vs dense optimisation of the same constrained problem.") { sizes, factors, industries, denseLimit };
        command.SetAction(parse =>
        {
            var results = new List<object>();
            var table = new Table().AddColumns("Assets", "Factor-structured", "Dense (same run)", "Ratio", "KKT (primal/dual/compl.)", "Max |Δw|");
            foreach (var n in parse.GetValue(sizes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)))
            {
                var spec = BenchmarkSpec(n, parse.GetValue(factors), parse.GetValue(industries), seed: 42);
                var sw = Stopwatch.StartNew();
                var structured = Research.Analytics.Optimization.PortfolioOptimizer.Optimize(spec);
                var structuredSeconds = sw.Elapsed.TotalSeconds;
                double? denseSeconds = null;
                double? maxDiff = null;
                if (n <= parse.GetValue(denseLimit))
                {
                    var denseSpec = spec with { FactorModel = null, Covariance = DenseCovariance(spec.FactorModel!) };
                    sw.Restart();
                    var dense = Research.Analytics.Optimization.PortfolioOptimizer.Optimize(denseSpec);
                    denseSeconds = sw.Elapsed.TotalSeconds;
                    maxDiff = spec.Assets.Max(a => Math.Abs(dense.Weights[a] - structured.Weights[a]));
                }

                results.Add(new { assets = n, factors = parse.GetValue(factors), industries = parse.GetValue(industries), structuredSeconds, denseSeconds, structured.Iterations,
                    kkt = new { primal = structured.PrimalResidual, dual = structured.DualResidual, complementarity = structured.ComplementarityResidual }, maxWeightDifference = maxDiff });
                table.AddRow(n.ToString(CultureInfo.InvariantCulture), $"{structuredSeconds:F2} s ({structured.Iterations} it.)", denseSeconds is { } d ? $"{d:F2} s" : "-",
                    denseSeconds is { } d2 ? $"{d2 / structuredSeconds:F1}x" : "-",
                    $"{structured.PrimalResidual:E1} / {structured.DualResidual:E1} / {structured.ComplementarityResidual:E1}", maxDiff is { } m ? $"{m:E1}" : "-");
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(results);
            }
            else
            {
                output.Console.Write(table);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// <c>research bench risk</c>: the risk model over the warehouse's whole CRSP panel, stage by stage, with a same-run
    /// baseline for the daily regressions: the same weighted least squares solved by MathNet's dense QR per day.
    /// </summary>
    private static Command Risk(CliOutput output)
    {
        var command = new Command("risk", "Risk model fit on the warehouse panel: load, exposures, fit, publish; daily regressions vs a dense QR baseline.");
        command.SetAction(async (parse, ct) =>
        {
            var watch = Stopwatch.StartNew();
            var (panel, monthEnds) = FactorsCommand.LoadPanel(parse, output, null, null);
            var load = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var exposures = Research.Analytics.Factors.FactorBuilder.Build(panel, monthEnds);
            var build = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var stages = new Dictionary<string, double>(StringComparer.Ordinal);
            var last = Stopwatch.StartNew();
            string? stage = null;
            var model = Research.Analytics.Risk.RiskModelFitter.Fit(panel, exposures, panel.Dates[0], panel.Dates[^1], null,
                new SynchronousProgress<(string Stage, double Fraction)>(p =>
                {
                    if (p.Stage != stage)
                    {
                        if (stage is not null)
                        {
                            stages[stage] = last.Elapsed.TotalSeconds;
                        }

                        stage = p.Stage;
                        last.Restart();
                    }
                }), ct);
            var fit = watch.Elapsed.TotalSeconds;
            watch.Restart();
            await Research.Analytics.Risk.RiskModelStore.PublishAsync(WarehouseOptions.Layout(parse), model, "bench", TimeProvider.System, ct).ConfigureAwait(false);
            var publish = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var baselineDays = DenseRegressionBaseline(model);
            var baseline = watch.Elapsed.TotalSeconds;
            var summary = Research.Analytics.Risk.RiskModelSummary.Of(model);
            var result = new
            {
                stocks = panel.Assets,
                sessions = panel.Sessions,
                regressionDays = model.Dates.Length,
                factors = model.K,
                meanStocksPerDay = summary.MeanStocks,
                seconds = new { load, exposures = build, fit, fitStages = stages, publish, total = load + build + fit + publish },
                baseline = new { denseQrRegressionsSeconds = baseline, days = baselineDays, ourRegressionsSeconds = stages.GetValueOrDefault("regressions") },
                meanRSquared = summary.MeanRSquared,
                biasInBand = summary.BiasInBand,
            };
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(result);
                return ExitCodes.Ok;
            }

            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{panel.Assets} securities x {panel.Sessions} sessions, {model.Dates.Length} regressions of {summary.MeanStocks:F0} stocks on {model.K} factors"));
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"load {load:F1} s, exposures {build:F1} s, fit {fit:F1} s ({string.Join(", ", stages.Select(p => $"{p.Key} {p.Value:F1} s"))}), publish {publish:F1} s; total {load + build + fit + publish:F1} s"));
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"baseline: the same regressions by dense QR {baseline:F1} s vs ours {stages.GetValueOrDefault("regressions"):F1} s"));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// <c>research bench backtest</c>: the engine on a seeded random market (fat-tailed returns), a daily-rebalanced
    /// long/short book whose target weights are computed before the clock starts, so the time is the engine's own:
    /// returns, drift, delistings, costs with square-root impact, execution. Reported per asset-day; run it with
    /// DOTNET_PROCESSOR_COUNT=1 for the one-core figure.
    /// </summary>
    private static Command Backtest(CliOutput output)
    {
        var assets = new Option<int>("--assets") { Description = "Stocks.", DefaultValueFactory = _ => 3000 };
        var years = new Option<int>("--years") { Description = "Years of 252 sessions.", DefaultValueFactory = _ => 25 };
        var noCosts = new Option<bool>("--no-costs") { Description = "Run without costs (isolates the impact model's share)." };
        var impact = new Option<double>("--impact") { Description = "Square-root impact coefficient (default 0.1; 0 = linear costs only).", DefaultValueFactory = _ => 0.1 };
        var command = new Command("backtest", "Engine time per asset-day on a daily-rebalanced long/short book (targets precomputed).") { assets, years, noCosts, impact };
        command.SetAction(parse =>
        {
            var n = parse.GetValue(assets);
            var sessions = parse.GetValue(years) * Annualisation.SessionsPerYear;
            var dates = Research.Core.Calendars.NyseCalendar.Instance.Sessions(new DateOnly(1990, 1, 2), new DateOnly(2100, 12, 31)).Take(sessions).ToArray();
            var random = new Research.Core.Randomness.DeterministicRandom(7);
            var cells = sessions * n;
            var returns = new double[cells];
            var cap = new double[cells];
            var volume = new double[cells];
            var signal = new double[n];
            var targets = new double[sessions][];
            for (var t = 0; t < sessions; t++)
            {
                for (var i = 0; i < n; i++)
                {
                    returns[(t * n) + i] = 0.02 * random.NextStudentT(5) * Math.Sqrt(3.0 / 5.0);
                    cap[(t * n) + i] = 1e6 * (1 + i);
                    volume[(t * n) + i] = 5e6 * (1 + (i % 50));
                    signal[i] = (0.95 * signal[i]) + (0.3 * random.NextGaussian());
                }

                var order = Enumerable.Range(0, n).OrderBy(i => signal[i]).ToArray();
                var w = new double[n];
                var leg = n / 5;
                for (var j = 0; j < leg; j++)
                {
                    w[order[j]] = -1.0 / leg;
                    w[order[n - 1 - j]] = 1.0 / leg;
                }

                targets[t] = w;
            }

            var panel = new Research.Analytics.Factors.EquityPanel(dates, [.. Enumerable.Range(1, n)], [.. Enumerable.Range(1, n).Select(i => $"S{i}")], returns, cap, volume, (double[])volume.Clone());
            var data = Research.Backtesting.Engine.BacktestData.FromPanel(panel);
            var settings = new Research.Backtesting.Engine.BacktestSettings
            {
                From = dates[0],
                To = dates[^1],
                RecordTrades = false,
                Costs = parse.GetValue(noCosts) ? Research.Backtesting.Engine.CostModel.None : new Research.Backtesting.Engine.CostModel { ImpactCoefficient = parse.GetValue(impact) },
            };
            // The impact inputs (20-session σ and ADV per cell) are a property of the data, shared by every run on it:
            // computed here, timed separately, before the engine's clock starts.
            var prep = Stopwatch.StartNew();
            var impactTable = settings.Costs.ImpactCoefficient > 0 ? data.ImpactScale.Length : 0;
            var prepSeconds = prep.Elapsed.TotalSeconds;
            var sw = Stopwatch.StartNew();
            var result = Research.Backtesting.Engine.BacktestEngine.Run(data, new Precomputed(targets), settings);
            var seconds = sw.Elapsed.TotalSeconds;
            var nanoseconds = seconds * 1e9 / ((double)n * sessions);
            var metrics = Research.Backtesting.Metrics.BacktestMetrics.Of(result);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { assets = n, sessions, seconds, nanosecondsPerAssetDay = nanoseconds, impactTableSeconds = prepSeconds, impactTableCells = impactTable, cores = Environment.ProcessorCount, annualTurnover = metrics.AnnualTurnover });
            }
            else
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{n} stocks x {sessions} sessions, daily rebalanced: {seconds:F2} s = {nanoseconds:F1} ns per asset-day on {Environment.ProcessorCount} core(s); turnover {metrics.AnnualTurnover:F0}x a year; impact inputs (once per data set, not in the engine's time): {prepSeconds:F2} s = {prepSeconds * 1e9 / ((double)n * sessions):F1} ns per cell"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private sealed class Precomputed(double[][] targets) : Research.Backtesting.Engine.IStrategy
    {
        public string Name => "precomputed long/short";

        public bool RebalancesOn(Research.Backtesting.Engine.PointInTimeView view) => true;

        public double[] TargetWeights(Research.Backtesting.Engine.PointInTimeView view) => targets[view.Session];
    }

    /// <summary>Solves each day's weighted regression (market, industries less one, styles) with MathNet's QR; returns the days solved.</summary>
    private static int DenseRegressionBaseline(Research.Analytics.Risk.RiskModel model)
    {
        var panel = model.Panel;
        var n = panel.Assets;
        var styles = model.Exposures.Factors.Count;
        var industries = model.IndustryFactors;
        var p = 1 + Math.Max(0, industries - 1) + styles;
        var solved = 0;
        System.Threading.Tasks.Parallel.For(0, model.Dates.Length, d =>
        {
            var t = model.Sessions[d];
            var snapshot = model.Exposures.Snapshots[model.Exposures.SnapshotBefore(t)];
            var rows = Enumerable.Range(0, snapshot.Assets.Length).Where(a => !double.IsNaN(panel.Returns[(t * n) + snapshot.Assets[a]])).ToArray();
            var x = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(rows.Length, p);
            var y = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(rows.Length);
            for (var r = 0; r < rows.Length; r++)
            {
                var a = rows[r];
                var w = Math.Sqrt(Math.Sqrt(snapshot.Size[a]));
                x[r, 0] = w;
                var column = snapshot.Industry[a] >= 0 ? model.IndustryColumn[snapshot.Industry[a]] : -1;
                if (column >= 1 && column < industries)
                {
                    x[r, column] = w;
                }

                for (var s = 0; s < styles; s++)
                {
                    x[r, p - styles + s] = w * snapshot.Values[(a * styles) + s];
                }

                y[r] = w * panel.Returns[(t * n) + snapshot.Assets[a]];
            }

            _ = x.QR().Solve(y);
            Interlocked.Increment(ref solved);
        });
        return solved;
    }

    private static Research.Analytics.Optimization.PortfolioSpec BenchmarkSpec(int n, int k, int industries, int seed)
    {
        var random = new Random(seed);
        var exposures = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, k).Select(f => f == 0 ? 1.0 : random.NextDouble() - 0.5).ToArray()).ToArray();
        var a = Enumerable.Range(0, k).Select(_ => Enumerable.Range(0, k).Select(_ => (random.NextDouble() - 0.5) * 0.02).ToArray()).ToArray();
        var factorCovariance = Enumerable.Range(0, k).Select(i => Enumerable.Range(0, k).Select(j => Enumerable.Range(0, k).Sum(t => a[i][t] * a[j][t]) + (i == j ? 0.0004 : 0)).ToArray()).ToArray();
        var specific = Enumerable.Range(0, n).Select(_ => 0.01 + (0.06 * random.NextDouble())).ToArray();
        var assets = Enumerable.Range(0, n).Select(i => $"S{i:D5}").ToArray();
        var share = 1.0 / industries;
        return new Research.Analytics.Optimization.PortfolioSpec
        {
            Objective = "mean_variance",
            Assets = assets,
            FactorModel = new Research.Analytics.Optimization.FactorModelSpec(exposures, factorCovariance, specific),
            ExpectedReturns = [.. assets.Select(_ => 0.02 + (0.08 * random.NextDouble()))],
            RiskAversion = 5,
            Constraints = new Research.Analytics.Optimization.PortfolioConstraints
            {
                Budget = 1,
                LongOnly = true,
                MaxPosition = Math.Max(5.0 / n, 0.002),
                Groups = Enumerable.Range(0, industries).ToDictionary(g => $"industry{g:D2}", g => new Research.Analytics.Optimization.GroupBound([.. assets.Where((_, i) => i % industries == g)], Min: 0.5 * share, Max: 1.5 * share)),
                InitialWeights = assets.ToDictionary(x => x, _ => 1.0 / n),
                MaxTurnover = 0.5,
                LinearCost = 0.0005,
            },
        };
    }

    private static double[][] DenseCovariance(Research.Analytics.Optimization.FactorModelSpec model)
    {
        var n = model.SpecificVariance.Length;
        var k = model.Factors;
        var bf = model.Exposures.Select(row => Enumerable.Range(0, k).Select(j => Enumerable.Range(0, k).Sum(t => row[t] * model.FactorCovariance[t][j])).ToArray()).ToArray();
        var sigma = new double[n][];
        for (var i = 0; i < n; i++)
        {
            sigma[i] = new double[n];
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                double sum = i == j ? model.SpecificVariance[i] : 0;
                for (var t = 0; t < k; t++)
                {
                    sum += bf[i][t] * model.Exposures[j][t];
                }

                sigma[i][j] = sum;
                sigma[j][i] = sum;
            }
        }

        return sigma;
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

    private static double Time(int repetitions, Action action)
    {
        action();
        action();
        var samples = new List<double>();
        for (var i = 0; i < repetitions; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            samples.Add(sw.Elapsed.TotalMilliseconds);
        }

        samples.Sort();
        return samples[samples.Count / 2];
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
