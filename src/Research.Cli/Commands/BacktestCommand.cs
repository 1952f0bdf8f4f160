using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Research.Backtesting.Golden;
using Research.Backtesting.Jobs;
using Research.Backtesting.Metrics;
using Research.Backtesting.MonteCarlo;
using Research.Backtesting.Results;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research backtest run|submit|status|result|cancel|list|monte-carlo</c>: <c>run</c> executes in this process; the
/// others go through the cluster (start it with <c>research up</c>), where jobs are queued, deduplicated by spec and
/// data versions, stored and resumable.
/// </summary>
public static class BacktestCommand
{
    public static Command Create(CliOutput output)
    {
        var backtest = new Command("backtest", "Backtests: run one in this process, or submit jobs to the cluster and follow them.");
        var spec = new SpecOptions();
        var run = new Command("run", "Run a backtest in this process and print its metrics.");
        spec.AddTo(run);
        run.SetAction(async (parse, ct) =>
        {
            var request = spec.Request(parse);
            var layout = WarehouseOptions.Layout(parse);
            var watch = Stopwatch.StartNew();
            var result = await output.WithProgressAsync($"backtest {request.Strategy}", progress => Task.Run(() => FactorsCommand.Guard(() =>
                BacktestRunner.Run(layout, request, BacktestRunner.CurrentVersions(layout), progress, ct)), ct)).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { strategy = result.Result.Strategy, metrics = result.Metrics, dataVersions = result.DataVersions, seconds = watch.Elapsed.TotalSeconds });
                return ExitCodes.Ok;
            }

            WriteMetrics(output, result.Result.Strategy, result.Metrics);
            output.Info($"data: {string.Join(", ", result.DataVersions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}@{p.Value}"))}; {watch.Elapsed.TotalSeconds:F1} s");
            return ExitCodes.Ok;
        });

        var priority = new Option<string>("--priority") { Description = "high, normal (default) or low.", DefaultValueFactory = _ => JobPriority.Normal };
        var user = new Option<string>("--user") { Description = "Submitting user (default: the OS user).", DefaultValueFactory = _ => Environment.UserName };
        var wait = new Option<bool>("--wait") { Description = "Follow the job with a progress bar until it finishes, then print its result." };
        var submit = new Command("submit", "Submit a backtest to the cluster; the same spec on the same data is the same job.") { priority, user, wait };
        spec.AddTo(submit);
        submit.SetAction(async (parse, ct) =>
        {
            var request = spec.Request(parse);
            var submission = new JobSubmission(BacktestSpecFile.ToJobSpec(request), null, parse.GetValue(priority)!, parse.GetValue(user)!);
            return await SubmitAsync(output, parse, submission, parse.GetValue(wait), ct).ConfigureAwait(false);
        });

        var sourceJob = new Option<string>("--job") { Description = "The finished backtest job whose daily returns to resample.", Required = true };
        var paths = new Option<int>("--paths") { Description = "Number of paths (default 1,000).", DefaultValueFactory = _ => 1000 };
        var method = new Option<string>("--method") { Description = "bootstrap (stationary block, default), trades (whole holding periods between the strategy's trade dates) or shuffle (drawdowns only: Sharpe does not change).", DefaultValueFactory = _ => "bootstrap" };
        var block = new Option<double>("--mean-block") { Description = "Mean block length in sessions (bootstrap; default 20).", DefaultValueFactory = _ => 20 };
        var length = new Option<int?>("--length") { Description = "Sessions per path (default: the source's length)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed (default 1); paths depend only on (seed, path index).", DefaultValueFactory = _ => 1UL };
        var confidence = new Option<double>("--confidence") { Description = "Interval level (default 0.95).", DefaultValueFactory = _ => 0.95 };
        var monteCarlo = new Command("monte-carlo", "Monte Carlo of a finished backtest job on the cluster: intervals for Sharpe, CAGR, max drawdown, terminal wealth.")
        {
            sourceJob, paths, method, block, length, seed, confidence, priority, user, wait,
        };
        monteCarlo.SetAction(async (parse, ct) =>
        {
            var mc = new MonteCarloJobSpec(parse.GetValue(sourceJob)!, parse.GetValue(paths), parse.GetValue(method)!, parse.GetValue(block), parse.GetValue(length), parse.GetValue(seed), parse.GetValue(confidence));
            return await SubmitAsync(output, parse, new JobSubmission(null, mc, parse.GetValue(priority)!, parse.GetValue(user)!), parse.GetValue(wait), ct).ConfigureAwait(false);
        });

        var wfSpec = new Option<string>("--spec") { Description = "JSON spec: strategies, quantiles, train_sessions, test_sessions, expanding, metric, plus from, to, execution, capital, costs.", Required = true };
        var walkForward = new Command("walk-forward", "Walk-forward optimisation on the cluster: windows fanned out across silos, stitched out-of-sample track, efficiency, stability, PBO and deflated Sharpe.")
        {
            wfSpec, priority, user, wait,
        };
        walkForward.SetAction(async (parse, ct) =>
        {
            var request = BacktestSpecFile.ReadWalkForward(parse.GetValue(wfSpec)!);
            var submission = new JobSubmission(null, null, parse.GetValue(priority)!, parse.GetValue(user)!, BacktestSpecFile.ToJobSpec(request));
            return await SubmitAsync(output, parse, submission, parse.GetValue(wait), ct).ConfigureAwait(false);
        });

        var jobId = new Argument<string>("job") { Description = "Job id (from submit or list)." };
        var status = new Command("status", "Show a job's state and progress.") { jobId };
        status.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterConfiguration(parse), ct).ConfigureAwait(false);
            var s = await cluster.Client.GetGrain<IBacktestJobGrain>(parse.GetValue(jobId)!).GetStatusAsync().ConfigureAwait(false);
            if (s.State == BacktestJobStatus.None)
            {
                throw new CliException($"No job {s.JobId} (list them with 'research backtest list').");
            }

            WriteStatuses(output, parse, [s]);
            return s.State == BacktestJobStatus.Failed ? ExitCodes.Failed : ExitCodes.Ok;
        });

        var result = new Command("result", "Print a finished job's metrics, data versions and where its series are stored.") { jobId };
        result.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterConfiguration(parse), ct).ConfigureAwait(false);
            var job = cluster.Client.GetGrain<IBacktestJobGrain>(parse.GetValue(jobId)!);
            var r = await job.GetResultAsync().ConfigureAwait(false);
            if (r is null)
            {
                var s = await job.GetStatusAsync().ConfigureAwait(false);
                throw new CliException(s.State switch
                {
                    BacktestJobStatus.None => $"No job {s.JobId}.",
                    BacktestJobStatus.Succeeded => $"Job {s.JobId} succeeded, but its stored result was deleted by retention; submit the same spec again to recompute it.",
                    _ => $"Job {s.JobId} has no result: it is {s.State}{(s.Error is null ? string.Empty : $" ({s.Error})")}.",
                });
            }

            WriteResult(output, parse, r);
            return ExitCodes.Ok;
        });

        var cancel = new Command("cancel", "Cancel a queued or running job.") { jobId, user };
        cancel.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterConfiguration(parse), ct).ConfigureAwait(false);
            var job = cluster.Client.GetGrain<IBacktestJobGrain>(parse.GetValue(jobId)!);
            var s = await job.CancelAsync(parse.GetValue(user)!).ConfigureAwait(false);
            while (s.State == BacktestJobStatus.Running)
            {
                await Task.Delay(100, ct).ConfigureAwait(false);
                s = await job.GetStatusAsync().ConfigureAwait(false);
            }

            WriteStatuses(output, parse, [s]);
            return ExitCodes.Ok;
        });

        var limit = new Option<int>("--limit") { Description = "At most this many jobs, newest first (default 20).", DefaultValueFactory = _ => 20 };
        var list = new Command("list", "List jobs, newest first.") { limit };
        list.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterConfiguration(parse), ct).ConfigureAwait(false);
            var jobs = await cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key).ListAsync(parse.GetValue(limit)).ConfigureAwait(false);
            WriteStatuses(output, parse, jobs);
            return ExitCodes.Ok;
        });

        var unpin = new Option<bool>("--off") { Description = "Remove the flag instead of setting it." };
        var pin = new Command("pin", "Pin a stored result: retention never deletes it.") { jobId, unpin };
        var star = new Command("star", "Star a stored result: retention never deletes it.") { jobId, unpin };
        foreach (var (command, pinning) in new[] { (pin, true), (star, false) })
        {
            command.SetAction(async (parse, ct) =>
            {
                await using var cluster = await ClusterConnection.ConnectAsync(ClusterConfiguration(parse), ct).ConfigureAwait(false);
                var on = !parse.GetValue(unpin);
                var id = parse.GetValue(jobId)!;
                var found = await cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key)
                    .SetFlagsAsync(id, pinning ? on : null, pinning ? null : on).ConfigureAwait(false);
                if (!found)
                {
                    throw new CliException($"No stored result {id} (only finished jobs have one).");
                }

                output.Info($"{id}: {(pinning ? "pinned" : "starred")} {(on ? "on" : "off")}");
                return ExitCodes.Ok;
            });
        }

        var keep = new Option<int>("--keep") { Description = "Keep the newest N results whatever their age (default 100).", DefaultValueFactory = _ => 100 };
        var maxAge = new Option<int>("--max-age-days") { Description = "Keep results younger than this (default 90).", DefaultValueFactory = _ => 90 };
        var prune = new Command("prune", "Apply the retention policy: delete results that are old, beyond the newest N, and neither pinned nor starred.") { keep, maxAge };
        prune.SetAction(async (parse, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(ClusterConfiguration(parse), ct).ConfigureAwait(false);
            var report = await cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key).ApplyRetentionAsync(parse.GetValue(keep), parse.GetValue(maxAge)).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(report);
            }
            else
            {
                output.Out.WriteLine($"deleted {report.Deleted.Count} result(s){(report.Deleted.Count > 0 ? ": " + string.Join(", ", report.Deleted) : string.Empty)}; kept {report.KeptPinnedOrStarred} pinned or starred and {report.KeptRecent} recent");
            }

            return ExitCodes.Ok;
        });

        foreach (var command in new[] { submit, status, result, cancel, list, monteCarlo, walkForward, pin, star, prune })
        {
            command.Options.Add(Gateway);
        }

        foreach (var command in new[] { run, submit, status, result, cancel, list, monteCarlo, walkForward, pin, star, prune, Golden(output) })
        {
            backtest.Subcommands.Add(command);
        }

        return backtest;
    }

    private static Command Golden(CliOutput output)
    {
        var file = new Option<string>("--file") { Description = "The golden file (default: tests/golden/backtests.json under the current folder).", DefaultValueFactory = _ => Path.Combine("tests", "golden", "backtests.json") };
        var regenerate = new Option<bool>("--regenerate") { Description = "Write new goldens from this build instead of checking (needs --reason)." };
        var reason = new Option<string?>("--reason") { Description = "Why the goldens change (stored in the file); asked for when omitted on a terminal." };
        var command = new Command("golden", "Check the fixed golden backtests against the stored metrics and order lists, or regenerate them with a reason.") { file, regenerate, reason };
        command.SetAction(async (parse, ct) =>
        {
            var path = Path.GetFullPath(parse.GetValue(file)!);
            var why = parse.GetValue(reason);
            if (parse.GetValue(regenerate) && string.IsNullOrWhiteSpace(why))
            {
                why = output.Interactive
                    ? output.ErrorConsole.Prompt(new TextPrompt<string>("Why do the golden backtests change?").Validate(r => !string.IsNullOrWhiteSpace(r)))
                    : throw new CliException("--regenerate needs --reason \"...\" (stored with the goldens).");
            }

            var scratch = Directory.CreateTempSubdirectory("research-golden-");
            try
            {
                var actual = await output.WithProgressAsync("golden backtests", progress => GoldenRegression.RunAsync(scratch.FullName, why ?? "check", progress, ct)).ConfigureAwait(false);
                if (parse.GetValue(regenerate))
                {
                    await GoldenRegression.WriteAsync(path, actual, ct).ConfigureAwait(false);
                    output.Info($"wrote {actual.Cases.Count} golden backtests to {path} (reason: {why})");
                    return ExitCodes.Ok;
                }

                if (!File.Exists(path))
                {
                    throw new CliException($"{path} does not exist: create it with --regenerate --reason \"...\".");
                }

                var expected = GoldenRegression.Read(path);
                var drifts = GoldenRegression.Compare(expected, actual);
                if (parse.GetValue(CliOptions.Json))
                {
                    output.WriteJson(new { file = path, expected.Reason, expected.GeneratedAt, cases = actual.Cases.Count, drifts });
                }
                else if (drifts.Count == 0)
                {
                    output.Out.WriteLine($"{actual.Cases.Count} golden backtests match {path} (generated {expected.GeneratedAt:yyyy-MM-dd}: {expected.Reason})");
                }
                else
                {
                    var table = new Table().Title($"{drifts.Count} drift(s) from {path}").AddColumns("Case", "What", "Stored", "Now", "Threshold");
                    foreach (var d in drifts)
                    {
                        table.AddRow(Markup.Escape(d.Case), Markup.Escape(d.What), Markup.Escape(d.Expected), Markup.Escape(d.Actual), d.Threshold);
                    }

                    output.Console.Write(table);
                }

                return drifts.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
            }
            finally
            {
                scratch.Delete(recursive: true);
            }
        });
        return command;
    }

    private static readonly Option<int?> Gateway = new("--gateway-port") { Description = "Orleans gateway of the local platform (default: Research:Cluster:GatewayPort, else 30000)." };

    private static Microsoft.Extensions.Configuration.IConfiguration ClusterConfiguration(ParseResult parse)
    {
        var configuration = CliConfiguration.Build(parse);
        if (parse.GetValue(Gateway) is { } port)
        {
            configuration[Research.Grains.Client.ConfigurationKeys.GatewayPort] = port.ToString(CultureInfo.InvariantCulture);
        }

        return configuration;
    }

    private static async Task<int> SubmitAsync(CliOutput output, ParseResult parse, JobSubmission submission, bool wait, CancellationToken ct)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(ClusterConfiguration(parse), ct).ConfigureAwait(false);
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        BacktestJobStatus submitted;
        try
        {
            submitted = await scheduler.SubmitAsync(submission).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new CliException(e.Message, e);
        }

        if (!wait)
        {
            WriteStatuses(output, parse, [submitted]);
            return ExitCodes.Ok;
        }

        var job = cluster.Client.GetGrain<IBacktestJobGrain>(submitted.JobId);
        output.Info($"job {submitted.JobId} ({submitted.Label}): {submitted.State}");
        var final = await output.WithProgressAsync($"job {submitted.JobId}", async progress =>
        {
            while (true)
            {
                var s = await job.GetStatusAsync().ConfigureAwait(false);
                progress.Report((s.Stage, s.Fraction));
                if (s.IsFinished)
                {
                    return s;
                }

                await Task.Delay(250, ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        if (final.State != BacktestJobStatus.Succeeded)
        {
            throw new CliException($"Job {final.JobId} {final.State}{(final.Error is null ? string.Empty : $": {final.Error}")}.");
        }

        WriteResult(output, parse, (await job.GetResultAsync().ConfigureAwait(false))!);
        return ExitCodes.Ok;
    }

    private static void WriteStatuses(CliOutput output, ParseResult parse, IReadOnlyList<BacktestJobStatus> jobs)
    {
        if (parse.GetValue(CliOptions.Json))
        {
            output.WriteJson<object>(jobs.Count == 1 ? jobs[0] : jobs);
            return;
        }

        var table = new Table().AddColumns("Job", "Kind", "Label", "State", "Progress", "Priority", "User", "Submitted (UTC)", "Silo");
        foreach (var s in jobs)
        {
            table.AddRow(s.JobId, s.Kind, Markup.Escape(s.Label), s.State, Markup.Escape($"{s.Fraction:P0} {s.Stage}"), s.Priority, Markup.Escape(s.RequestedBy),
                s.SubmittedAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? string.Empty, Markup.Escape(s.Silo ?? string.Empty));
        }

        output.Console.Write(table);
        foreach (var s in jobs.Where(j => j.Error is not null))
        {
            output.Info($"{s.JobId}: {s.Error}");
        }
    }

    private static void WriteResult(CliOutput output, ParseResult parse, BacktestJobResult r)
    {
        if (parse.GetValue(CliOptions.Json))
        {
            output.WriteJson(new
            {
                r.JobId,
                r.Kind,
                r.Label,
                metrics = System.Text.Json.JsonDocument.Parse(r.MetricsJson).RootElement,
                r.MetricsSha256,
                r.DataVersions,
                r.SeriesFolder,
                r.SeriesSha256,
                r.CreatedAt,
            });
            return;
        }

        if (r.Kind == BacktestJobStatus.KindBacktest)
        {
            WriteMetrics(output, r.Label, ResultDocuments.Deserialize<BacktestMetrics>(r.MetricsJson));
        }
        else if (r.Kind == BacktestJobStatus.KindWalkForward)
        {
            var w = ResultDocuments.Deserialize<WalkForwardSummary>(r.MetricsJson);
            var table = new Table().Title($"{r.Label}: {w.Windows.Count} windows").AddColumns("Test window", "Chosen", "In-sample", "Out-of-sample");
            foreach (var window in w.Windows)
            {
                table.AddRow($"{window.TestStart:yyyy-MM-dd}..{window.TestEnd:yyyy-MM-dd}", Markup.Escape(window.Chosen), window.InSampleMetric.ToString("F2", CultureInfo.InvariantCulture), window.OutOfSampleMetric.ToString("F2", CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            WriteMetrics(output, "out of sample (stitched)", w.OutOfSample);
            output.Out.WriteLine($"efficiency {w.Efficiency:F2}, stability {w.Stability:P0}, PBO {(w.Pbo is { } p ? p.ToString("P0", CultureInfo.InvariantCulture) : "n/a (one grid point)")}, deflated Sharpe {w.DeflatedSharpe:F3}");
        }
        else
        {
            var m = ResultDocuments.Deserialize<MonteCarloSummary>(r.MetricsJson);
            var table = new Table().Title($"{r.Label}: {m.Paths:N0} paths, {m.Confidence:P0} intervals").AddColumns("Metric", "Lower", "Median", "Upper");
            void Row(string name, Interval? i, string format)
            {
                if (i is not null)
                {
                    table.AddRow(name, i.Lower.ToString(format, CultureInfo.InvariantCulture), i.Median.ToString(format, CultureInfo.InvariantCulture), i.Upper.ToString(format, CultureInfo.InvariantCulture));
                }
            }

            Row("Sharpe", m.Sharpe, "F2");
            Row("CAGR", m.Cagr, "P2");
            Row("Max drawdown", m.MaxDrawdown, "P2");
            Row("Terminal wealth", m.TerminalWealth, "F3");
            output.Console.Write(table);
        }

        output.Info($"job {r.JobId}; series {r.SeriesFolder} (sha256 {r.SeriesSha256[..12]}...); data {string.Join(", ", r.DataVersions.Select(p => $"{p.Key}@{p.Value}"))}");
    }

    private static void WriteMetrics(CliOutput output, string strategy, BacktestMetrics m)
    {
        var table = new Table().Title($"{strategy}: {m.From:yyyy-MM-dd}..{m.To:yyyy-MM-dd} ({m.Days} sessions)").AddColumns("Metric", "Value");
        void Row(string label, string value) => table.AddRow(label, value);
        Row("Total return", m.TotalReturn.ToString("P2", CultureInfo.InvariantCulture));
        Row("CAGR", m.Cagr.ToString("P2", CultureInfo.InvariantCulture));
        Row("Volatility (annual)", m.AnnualVolatility.ToString("P2", CultureInfo.InvariantCulture));
        Row("Sharpe (excess of rf)", m.Sharpe.ToString("F2", CultureInfo.InvariantCulture));
        Row("Sortino", m.Sortino.ToString("F2", CultureInfo.InvariantCulture));
        Row("Max drawdown", m.MaxDrawdown.ToString("P2", CultureInfo.InvariantCulture));
        Row("Calmar", m.Calmar.ToString("F2", CultureInfo.InvariantCulture));
        Row("Hit rate", m.HitRate.ToString("P1", CultureInfo.InvariantCulture));
        Row("Turnover (one-way, a year)", m.AnnualTurnover.ToString("P0", CultureInfo.InvariantCulture));
        Row("Costs (a year)", m.AnnualCosts.ToString("P2", CultureInfo.InvariantCulture));
        Row("Gross exposure (mean)", m.MeanGrossExposure.ToString("P0", CultureInfo.InvariantCulture));
        Row("Trades", m.Trades.ToString(CultureInfo.InvariantCulture));
        output.Console.Write(table);
    }

    /// <summary>The spec options shared by <c>run</c> and <c>submit</c>: <c>--spec FILE</c> or flags.</summary>
    private sealed class SpecOptions
    {
        private readonly Option<string?> _spec = new("--spec") { Description = "JSON spec file (strategy, from, to, execution, quantile, capital, costs{...}); instead of the flags below." };
        private readonly Option<string?> _strategy = new("--strategy") { Description = $"Strategy: {string.Join(", ", BacktestRequest.Strategies.Keys)}." };
        private readonly Option<DateOnly?> _from = CliOptions.OptionalDate("--from", "First session (default: 13 months after the first CRSP session, when momentum exists).");
        private readonly Option<DateOnly?> _to = CliOptions.OptionalDate("--to", "Last session (default: the last CRSP session).");
        private readonly Option<string> _execution = new("--execution") { Description = "next-close (default) or next-open.", DefaultValueFactory = _ => "next-close" };
        private readonly Option<double> _quantile = new("--quantile") { Description = "Factor strategies: the quantile held long and short (default 0.2).", DefaultValueFactory = _ => 0.2 };
        private readonly Option<string> _construction = new("--construction") { Description = "Factor strategies: quantile (equal-weighted top/bottom quantiles, default) or optimizer (alpha from the factor, one-factor risk, the portfolio optimiser).", DefaultValueFactory = _ => "quantile" };
        private readonly Option<double> _capital = new("--capital") { Description = "Capital in dollars (sets market impact; default 10,000,000).", DefaultValueFactory = _ => 10_000_000 };
        private readonly Option<double> _commission = new("--commission-bps") { Description = "Commission, bp of traded value (default 1).", DefaultValueFactory = _ => 1.0 };
        private readonly Option<double> _spread = new("--half-spread-bps") { Description = "Half spread, bp of traded value (default 5).", DefaultValueFactory = _ => 5.0 };
        private readonly Option<double> _impact = new("--impact") { Description = "Square-root impact coefficient k (default 0.1; 0 = off).", DefaultValueFactory = _ => 0.1 };
        private readonly Option<double> _borrow = new("--borrow-bps") { Description = "Annual borrow fee on shorts, bp (default 50).", DefaultValueFactory = _ => 50.0 };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { _spec, _strategy, _from, _to, _execution, _quantile, _construction, _capital, _commission, _spread, _impact, _borrow })
            {
                command.Options.Add(option);
            }
        }

        public BacktestRequest Request(ParseResult parse)
        {
            var file = parse.GetValue(_spec);
            var strategy = parse.GetValue(_strategy);
            if (file is not null)
            {
                return strategy is null ? BacktestSpecFile.Read(file) : throw new CliException("Give either --spec or --strategy (with its flags), not both.");
            }

            if (strategy is null)
            {
                throw new CliException($"Give --strategy ({string.Join(", ", BacktestRequest.Strategies.Keys)}) or --spec FILE.");
            }

            return BacktestSpecFile.Validated(new BacktestRequest
            {
                Strategy = strategy,
                From = parse.GetValue(_from),
                To = parse.GetValue(_to),
                Execution = BacktestSpecFile.ParseExecution(parse.GetValue(_execution), "--execution"),
                Quantile = parse.GetValue(_quantile),
                Construction = parse.GetValue(_construction)!,
                Capital = parse.GetValue(_capital),
                Costs = new Research.Backtesting.Engine.CostModel
                {
                    CommissionBps = parse.GetValue(_commission),
                    HalfSpreadBps = parse.GetValue(_spread),
                    ImpactCoefficient = parse.GetValue(_impact),
                    BorrowBps = parse.GetValue(_borrow),
                },
            }, "backtest");
        }
    }
}
