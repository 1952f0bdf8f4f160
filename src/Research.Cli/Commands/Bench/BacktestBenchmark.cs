using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Research.Backtesting.Engine;
using Research.Cli.Infrastructure;
using Research.Core.Calendars;
using Spectre.Console;

namespace Research.Cli.Commands.Bench;

/// <summary>
/// <c>research bench backtest</c>: the engine as users run it (trades and holdings recorded, commission, half spread
/// and square-root impact) on a seeded random market (fat-tailed returns), a daily-rebalanced long/short book whose
/// target weights are computed before the clock starts, so the time is the engine's own: returns, drift, borrow,
/// costs, execution and the records. For each number of assets: cold (one run in a fresh process: the JIT is inside
/// the timer), warm (repeated runs in this process, median) and, with <c>--peer</c>, the same workload in numpy in the
/// same run (the script reads the market and the targets this run wrote, and its final wealth must match). Reported
/// per asset-day; run it with DOTNET_PROCESSOR_COUNT=1 for the one-core figure (the peer gets one BLAS thread).
/// </summary>
internal static class BacktestBenchmark
{
    public static Command Create(CliOutput output)
    {
        var assets = new Option<string>("--assets") { Description = "Comma-separated numbers of stocks, e.g. 500,1000,3000,6000.", DefaultValueFactory = _ => "3000" };
        var years = new Option<int>("--years") { Description = "Years of 252 sessions.", DefaultValueFactory = _ => 25 }.Positive();
        var repeat = new Option<int>("--repeat") { Description = "Warm runs per size (after one warm-up run); the median is reported.", DefaultValueFactory = _ => 5 }.Positive();
        var noTrades = new Option<bool>("--no-trades") { Description = "Do not record trades and holdings (the stripped run earlier benchmarks timed)." };
        var noCosts = new Option<bool>("--no-costs") { Description = "Run without costs (isolates the impact model's share)." };
        var impact = new Option<double>("--impact") { Description = "Square-root impact coefficient (default 0.1; 0 = linear costs only).", DefaultValueFactory = _ => 0.1 }.Within(0, 10);
        var peer = new Option<FileInfo?>("--peer") { Description = "The numpy peer script (tests/Research.Benchmarks/peers/backtest_numpy.py) to time on the same workload." };
        var python = new Option<string>("--python") { Description = "Python with numpy for --peer.", DefaultValueFactory = _ => "/usr/bin/python3" };
        var coldOnly = new Option<bool>("--cold-only") { Description = "One run of one size, then exit (how the benchmark times a cold run in a fresh process).", Hidden = true };
        var command = new Command("backtest", "Engine time per asset-day as users run it (trades recorded, costs with impact): cold, warm and a numpy peer.")
        {
            assets, years, repeat, noTrades, noCosts, impact, peer, python, coldOnly,
        };
        command.SetAction(parse =>
        {
            if (!TryParseSizes(parse.GetValue(assets)!, out var sizes))
            {
                output.Error.WriteLine($"error: --assets: '{parse.GetValue(assets)}' is not a comma-separated list of positive numbers (e.g. 500,1000,3000).");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(peer) is not null && parse.GetValue(python) is { } interpreter && interpreter.Contains('/', StringComparison.Ordinal) && !File.Exists(interpreter))
            {
                output.Error.WriteLine($"error: --python: {interpreter} does not exist (Debian's python3 with numpy: apt-get install python3-numpy, then --python /usr/bin/python3).");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(peer) is { Exists: false } missing)
            {
                output.Error.WriteLine($"error: --peer: {missing.FullName} does not exist (the script is tests/Research.Benchmarks/peers/backtest_numpy.py in the repository).");
                return ExitCodes.Usage;
            }

            var sessions = parse.GetValue(years) * Annualisation.SessionsPerYear;
            var costs = parse.GetValue(noCosts) ? CostModel.None : new CostModel { ImpactCoefficient = parse.GetValue(impact) };
            var record = !parse.GetValue(noTrades);
            if (parse.GetValue(coldOnly))
            {
                var market = Market.Create(sizes[0], sessions);
                _ = costs.ImpactCoefficient > 0 ? market.Data.ImpactScale.Length : 0; // a property of the data, timed apart as in the warm runs
                var run = market.Run(costs, record);
                output.WriteJson(new { seconds = run.Seconds, wealth = run.Wealth, trades = run.Trades });
                return ExitCodes.Ok;
            }

            var rows = new List<Row>();
            foreach (var n in sizes)
            {
                var cold = ColdRun(parse, n, output);
                var market = Market.Create(n, sessions);
                var impactTable = Stopwatch.StartNew();
                _ = costs.ImpactCoefficient > 0 ? market.Data.ImpactScale.Length : 0;
                var impactSeconds = impactTable.Elapsed.TotalSeconds;
                market.Run(costs, record); // warm-up of this size (first touch of its arrays)
                var warm = Enumerable.Range(0, parse.GetValue(repeat)).Select(_ => market.Run(costs, record)).ToList();
                var median = warm.OrderBy(r => r.Seconds).ElementAt(warm.Count / 2);
                var peerRun = parse.GetValue(peer) is { } script ? market.RunPeer(script.FullName, parse.GetValue(python)!, costs) : null;
                // The same workload: the same final wealth, trades, and P&L (total and realised; sums over millions of
                // trades in a different order, hence a relative tolerance).
                static bool Near(double a, double b, double tolerance) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Max(Math.Abs(a), Math.Abs(b)));
                if (peerRun is not null && (!Near(peerRun.Wealth, median.Wealth, 1e-9) || peerRun.Trades != median.Trades
                    || (record && !Near(peerRun.Realized, median.Realized, 1e-6)) || !Near(peerRun.Pnl, median.Pnl, 1e-6)))
                {
                    output.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"error: the numpy peer ended with wealth {peerRun.Wealth:R}, {peerRun.Trades} trades, realised P&L {peerRun.Realized:R}, P&L {peerRun.Pnl:R}; the engine with {median.Wealth:R}, {median.Trades}, {median.Realized:R}, {median.Pnl:R} ({n} stocks): not the same workload."));
                    return ExitCodes.Failed;
                }

                rows.Add(new Row(n, sessions, cold.Seconds, median.Seconds, warm.Min(r => r.Seconds), warm.Max(r => r.Seconds), median.Trades, impactSeconds, peerRun?.Seconds, median.Wealth));
            }

            Write(output, parse, rows, record, costs);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static bool TryParseSizes(string text, out int[] sizes)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        sizes = [.. parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)];
        return sizes.Length > 0 && sizes.All(s => s > 0);
    }

    /// <summary>One run of <paramref name="n"/> stocks in a fresh process of this CLI (the same options), its JIT inside the timer.</summary>
    private static RunResult ColdRun(ParseResult parse, int n, CliOutput output)
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(BacktestBenchmark).Assembly.Location);
        }

        foreach (var arg in (string[])["bench", "backtest", "--cold-only", "--json", "--assets", n.ToString(CultureInfo.InvariantCulture)])
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var token in parse.Tokens.Select(t => t.Value).SkipWhile(t => t != "backtest").Skip(1).ToArray() is var given ? Forwarded(given) : [])
        {
            info.ArgumentList.Add(token);
        }

        using var child = Process.Start(info)!;
        var stdout = child.StandardOutput.ReadToEnd();
        var stderr = child.StandardError.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            output.Error.WriteLine($"warning: the cold run of {n} stocks failed: {stderr.Trim()}");
            return new RunResult(double.NaN, double.NaN, 0);
        }

        var json = JsonDocument.Parse(stdout).RootElement;
        return new RunResult(json.GetProperty("seconds").GetDouble(), json.GetProperty("wealth").GetDouble(), json.GetProperty("trades").GetInt32());
    }

    /// <summary>The options the cold run shares with this one: years, costs, trades (not the sizes, repeats or the peer).</summary>
    private static IEnumerable<string> Forwarded(string[] tokens)
    {
        string[] withValue = ["--years", "--impact"];
        string[] flags = ["--no-trades", "--no-costs"];
        for (var i = 0; i < tokens.Length; i++)
        {
            if (flags.Contains(tokens[i]))
            {
                yield return tokens[i];
            }
            else if (withValue.Contains(tokens[i]) && i + 1 < tokens.Length)
            {
                yield return tokens[i];
                yield return tokens[++i];
            }
        }
    }

    private static void Write(CliOutput output, ParseResult parse, List<Row> rows, bool record, CostModel costs)
    {
        static double Ns(double seconds, Row r) => seconds * 1e9 / ((double)r.Assets * r.Sessions);
        if (parse.GetValue(CliOptions.Json))
        {
            output.WriteJson(new
            {
                cores = Environment.ProcessorCount,
                tradesRecorded = record,
                impact = costs.ImpactCoefficient,
                rows = rows.Select(r => new
                {
                    assets = r.Assets,
                    sessions = r.Sessions,
                    coldSeconds = r.Cold,
                    coldNanosecondsPerAssetDay = Ns(r.Cold, r),
                    warmSeconds = r.Warm,
                    warmNanosecondsPerAssetDay = Ns(r.Warm, r),
                    warmRangeNanoseconds = new[] { Ns(r.WarmMin, r), Ns(r.WarmMax, r) },
                    trades = r.Trades,
                    impactTableSeconds = r.ImpactSeconds,
                    numpySeconds = r.Peer,
                    numpyNanosecondsPerAssetDay = r.Peer is { } p ? Ns(p, r) : (double?)null,
                    wealth = r.Wealth,
                }),
            });
            return;
        }

        var table = new Table().Title(string.Create(CultureInfo.InvariantCulture,
                $"ns per asset-day on {Environment.ProcessorCount} core(s); trades {(record ? "recorded" : "not recorded")}; impact {costs.ImpactCoefficient}"))
            .AddColumns("Stocks", "Sessions", "Cold", "Warm (median)", "Warm range", "numpy (same run)", "numpy / warm", "Trades", "Impact inputs (once per data)");
        foreach (var r in rows)
        {
            table.AddRow(r.Assets.ToString("N0", CultureInfo.InvariantCulture), r.Sessions.ToString("N0", CultureInfo.InvariantCulture),
                Ns(r.Cold, r).ToString("F1", CultureInfo.InvariantCulture), Ns(r.Warm, r).ToString("F1", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{Ns(r.WarmMin, r):F1}-{Ns(r.WarmMax, r):F1}"),
                r.Peer is { } p ? Ns(p, r).ToString("F1", CultureInfo.InvariantCulture) : "-",
                r.Peer is { } q ? (q / r.Warm).ToString("F1", CultureInfo.InvariantCulture) + "x" : "-",
                r.Trades.ToString("N0", CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"{r.ImpactSeconds:F2} s"));
        }

        output.Console.Write(table);
    }

    private sealed record Row(int Assets, int Sessions, double Cold, double Warm, double WarmMin, double WarmMax, int Trades, double ImpactSeconds, double? Peer, double Wealth);

    /// <summary>One run: its time, final wealth, trades, and (to check the peer) the realised and the total P&amp;L in dollars.</summary>
    private sealed record RunResult(double Seconds, double Wealth, int Trades, double Realized = double.NaN, double Pnl = double.NaN);

    /// <summary>The seeded market and its precomputed daily targets.</summary>
    private sealed class Market(BacktestData data, double[][] targets)
    {
        public BacktestData Data => data;

        public static Market Create(int n, int sessions)
        {
            var dates = NyseCalendar.Instance.Sessions(new DateOnly(1990, 1, 2), new DateOnly(2100, 12, 31)).Take(sessions).ToArray();
            var random = new Research.Core.Randomness.DeterministicRandom(7);
            var cells = sessions * n;
            var returns = new double[cells];
            var cap = new double[cells];
            var volume = new double[cells];
            var signal = new double[n];
            var targets = new double[sessions][];
            var order = new int[n];
            var keys = new double[n];
            for (var t = 0; t < sessions; t++)
            {
                for (var i = 0; i < n; i++)
                {
                    returns[(t * n) + i] = 0.02 * random.NextStudentT(5) * Math.Sqrt(3.0 / 5.0);
                    cap[(t * n) + i] = 1e6 * (1 + i);
                    volume[(t * n) + i] = 5e6 * (1 + (i % 50));
                    signal[i] = (0.95 * signal[i]) + (0.3 * random.NextGaussian());
                    order[i] = i;
                }

                signal.AsSpan().CopyTo(keys);
                Array.Sort(keys, order);
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
            return new Market(BacktestData.FromPanel(panel), targets);
        }

        public RunResult Run(CostModel costs, bool record)
        {
            var settings = new BacktestSettings { From = data.Dates[0], To = data.Dates[^1], RecordTrades = record, Costs = costs };
            var sw = Stopwatch.StartNew();
            var result = BacktestEngine.Run(data, new Precomputed(targets), settings);
            var seconds = sw.Elapsed.TotalSeconds;
            var (trades, realized) = (result.Trades.Count, record ? result.Trades.RealizedColumn().Sum() : double.NaN);
            result.Release(); // as a job does once its trades are stored: the next run reuses the memory
            return new RunResult(seconds, settings.Capital * result.Returns.Aggregate(1.0, (w, r) => w * (1 + r)), trades, realized, result.SecurityPnl.Sum());
        }

        /// <summary>The numpy peer on the same market and targets (written to a scratch folder, deleted after).</summary>
        public RunResult RunPeer(string script, string python, CostModel costs)
        {
            var folder = Directory.CreateTempSubdirectory("research-bench-peer-");
            try
            {
                Write(Path.Combine(folder.FullName, "returns.f64"), data.Panel.Returns);
                Write(Path.Combine(folder.FullName, "impact.f64"), costs.ImpactCoefficient > 0 ? data.ImpactScale : new double[data.Panel.Returns.Length]);
                using (var stream = File.Create(Path.Combine(folder.FullName, "targets.f64")))
                {
                    foreach (var row in targets)
                    {
                        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(row.AsSpan()));
                    }
                }

                var capital = new BacktestSettings { From = default, To = default }.Capital;
                var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                info.Environment["OPENBLAS_NUM_THREADS"] = "1";
                info.Environment["OMP_NUM_THREADS"] = "1";
                foreach (var arg in new[]
                         {
                             script, folder.FullName, data.Assets.ToString(CultureInfo.InvariantCulture), data.Sessions.ToString(CultureInfo.InvariantCulture),
                             ((costs.CommissionBps + costs.HalfSpreadBps) / 10_000).ToString("R", CultureInfo.InvariantCulture), costs.ImpactCoefficient.ToString("R", CultureInfo.InvariantCulture),
                             Annualisation.DailyRate(costs.BorrowBps / 10_000).ToString("R", CultureInfo.InvariantCulture), capital.ToString("R", CultureInfo.InvariantCulture),
                         })
                {
                    info.ArgumentList.Add(arg);
                }

                using var child = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {python}.");
                var stdout = child.StandardOutput.ReadToEnd();
                var stderr = child.StandardError.ReadToEnd();
                child.WaitForExit();
                if (child.ExitCode != 0)
                {
                    throw new InvalidOperationException($"The numpy peer failed (exit {child.ExitCode}): {stderr.Trim()}");
                }

                var json = JsonDocument.Parse(stdout).RootElement;
                return new RunResult(json.GetProperty("seconds").GetDouble(), json.GetProperty("wealth").GetDouble(), json.GetProperty("trades").GetInt32(),
                    json.GetProperty("realized").GetDouble(), json.GetProperty("pnl").GetDouble());
            }
            finally
            {
                folder.Delete(recursive: true);
            }
        }

        private static void Write(string path, double[] values)
        {
            using var stream = File.Create(path);
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
    }

    private sealed class Precomputed(double[][] targets) : IStrategy
    {
        public string Name => "precomputed long/short";

        public bool RebalancesOn(PointInTimeView view) => true;

        public double[] TargetWeights(PointInTimeView view) => targets[view.Session];
    }
}
