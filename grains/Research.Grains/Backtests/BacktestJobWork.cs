using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Research.Backtesting.Jobs;
using Research.Backtesting.MonteCarlo;
using Research.Backtesting.Results;
using Research.Backtesting.Signals;
using Research.Backtesting.WalkForward;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Security;

namespace Research.Grains.Backtests;

/// <summary>
/// The background part of a <see cref="BacktestJobGrain"/>, run off the Orleans scheduler: waits for a job slot on this
/// silo, runs the backtest in process or fans a Monte Carlo out as chunk grains (bounded in flight, each chunk asked
/// again on failure; results keyed by chunk index in <c>chunks</c>, which the grain checkpoints), stores the series and
/// records the result row. Reports progress through <c>update</c>; never touches grain state.
/// </summary>
internal sealed class BacktestJobWork(
    string jobId,
    BacktestServices services,
    IGrainFactory factory,
    TimeProvider clock,
    ILogger logger,
    ConcurrentDictionary<int, MonteCarloChunkResult> done,
    ConcurrentDictionary<int, WalkForwardShardResult> shards,
    ConcurrentDictionary<int, SignalShardResult> signalUnits,
    Action<Func<BacktestJobStatus, BacktestJobStatus>> update)
{
    /// <summary>
    /// The identity the job's own calls (its chunks and shards) carry: the cluster acting for the job, whoever started
    /// it (a submit, the scheduler's timer, or a resume after a silo's loss, which carry different request contexts).
    /// </summary>
    public static CallerIdentity JobIdentity(string jobId) => new($"job:{jobId}", Role.Operator, "silo");

    public async Task RunAsync(JobSubmission submission, Dictionary<string, string> versions, CancellationToken cancellationToken)
    {
        JobIdentity(jobId).Apply();
        var slot = false;
        try
        {
            update(s => s with { Stage = "waiting for a job slot on this silo" });
            await services.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            slot = true;
            if (submission.Backtest is { } backtest)
            {
                await RunBacktestAsync(submission, backtest, versions, cancellationToken).ConfigureAwait(false);
            }
            else if (submission.WalkForward is { } walkForward)
            {
                await RunWalkForwardAsync(submission, walkForward, versions, cancellationToken).ConfigureAwait(false);
            }
            else if (submission.SignalSweep is { } sweep)
            {
                await RunSignalSweepAsync(submission, sweep, versions, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await RunMonteCarloAsync(submission, submission.MonteCarlo!, versions, cancellationToken).ConfigureAwait(false);
            }

            update(s => s with { State = JobState.Succeeded, Stage = "done", Fraction = 1, FinishedAt = clock.GetUtcNow() });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            update(s => s with { State = JobState.Cancelled, Stage = "cancelled", FinishedAt = clock.GetUtcNow() });
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {Job} failed", jobId);
            update(s => s with { State = JobState.Failed, Stage = "failed", FinishedAt = clock.GetUtcNow(), Error = e.Message });
        }
        finally
        {
            if (slot)
            {
                services.Slots.Release();
            }
        }
    }

    private async Task RunBacktestAsync(JobSubmission submission, BacktestJobSpec spec, Dictionary<string, string> versions, CancellationToken cancellationToken)
    {
        var request = BacktestSpecs.ToRequest(spec);
        var progress = new Progress(p => update(s => s with { Stage = p.Stage, Fraction = p.Stage == "simulating" ? 0.1 + (0.85 * p.Fraction) : 0.05 }));
        var run = BacktestRunner.Run(services.Layout, request, versions, progress, cancellationToken);
        update(s => s with { Stage = "storing", Fraction = 0.95 });
        var series = await services.Series.WriteBacktestAsync(jobId, run, cancellationToken).ConfigureAwait(false);
        run.Result.Release(); // the trades and positions are in Parquet now: their memory goes to the next run in this silo
        await RecordAsync(submission, request.Canonical(), run.DataVersions, ResultDocuments.Serialize(run.Metrics), series, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunMonteCarloAsync(JobSubmission submission, MonteCarloJobSpec spec, Dictionary<string, string> versions, CancellationToken cancellationToken)
    {
        var request = BacktestSpecs.ToRequest(spec);
        update(s => s with { Stage = "reading the source returns" });
        var trades = request.Method == Resampling.TradeBootstrap;
        var (dates, returns, traded) = await services.Series.ReadForResamplingAsync(request.SourceJob, trades, cancellationToken).ConfigureAwait(false);

        // Trades execute at a close (or open); the new holdings earn from the next session: a period starts there.
        int[]? periodStarts = traded is null ? null : [.. traded.Select(d => Array.BinarySearch(dates, d)).Where(i => i >= 0).Select(i => i + 1)];
        var size = Math.Max(1, services.Options.MonteCarloChunkPaths);
        var chunks = (request.Paths + size - 1) / size;
        var pending = Enumerable.Range(0, chunks).Where(c => !done.ContainsKey(c)).ToList();
        if (pending.Count < chunks)
        {
            logger.LogInformation("Job {Job} resumes Monte Carlo with {Done} of {Chunks} chunks from its checkpoint", jobId, chunks - pending.Count, chunks);
        }

        update(s => s with { Stage = $"simulating {request.Paths:N0} paths in {chunks} chunks", Fraction = (double)done.Count / chunks });
        await FanOutAsync(pending, async (chunk, token) =>
        {
            var first = chunk * size;
            var call = new MonteCarloChunkRequest(returns, spec, first, Math.Min(size, request.Paths - first), periodStarts);
            done[chunk] = await factory.GetGrain<IMonteCarloChunkGrain>($"{jobId}/{chunk}").RunAsync(call).WaitAsync(services.Options.ChunkTimeout, token).ConfigureAwait(false);
            update(s => s with { Fraction = 0.95 * done.Count / chunks });
        }, cancellationToken).ConfigureAwait(false);

        update(s => s with { Stage = "summarising", Fraction = 0.95 });
        var paths = new PathMetrics[request.Paths];
        foreach (var (_, chunk) in done.OrderBy(c => c.Key))
        {
            for (var k = 0; k < chunk.Sharpe.Length; k++)
            {
                var p = chunk.First + k;
                paths[p] = new PathMetrics(p, chunk.Sharpe[k], chunk.Cagr[k], chunk.MaxDrawdown[k], chunk.TerminalWealth[k]);
            }
        }

        var summary = MonteCarloSimulator.Summarise(paths, request.Method, request.Confidence);
        update(s => s with { Stage = "drawing the wealth fan" });
        var fan = await Task.Run(() => MonteCarloSimulator.Fan(returns, request.Spec(), periodStarts, cancellationToken: cancellationToken), cancellationToken).ConfigureAwait(false);
        var series = await services.Series.WriteMonteCarloAsync(jobId, paths, fan, cancellationToken).ConfigureAwait(false);
        await RecordAsync(submission, request.Canonical(), versions, ResultDocuments.Serialize(summary), series, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunWalkForwardAsync(JobSubmission submission, WalkForwardJobSpec spec, Dictionary<string, string> versions, CancellationToken cancellationToken)
    {
        var request = BacktestSpecs.ToRequest(spec);
        update(s => s with { Stage = "loading data and exposures", Fraction = 0.02 });
        var call = new WalkForwardShardRequest(spec, versions, 0, jobId);
        var units = await factory.GetGrain<IWalkForwardShardGrain>($"{jobId}/plan").CountUnitsAsync(call).WaitAsync(cancellationToken).ConfigureAwait(false);
        var pending = Enumerable.Range(0, units).Where(u => !shards.ContainsKey(u)).ToList();
        if (pending.Count < units)
        {
            logger.LogInformation("Job {Job} resumes walk-forward with {Done} of {Units} units from its checkpoint", jobId, units - pending.Count, units);
        }

        update(s => s with { Stage = $"{units} units (windows and full-period grid runs) across the cluster", Fraction = 0.05 + (0.9 * shards.Count / units) });
        await FanOutAsync(pending, async (unit, token) =>
        {
            shards[unit] = await factory.GetGrain<IWalkForwardShardGrain>($"{jobId}/{unit}").RunAsync(call with { Unit = unit }).WaitAsync(services.Options.ChunkTimeout, token).ConfigureAwait(false);
            update(s => s with { Fraction = 0.05 + (0.9 * shards.Count / units) });
        }, cancellationToken).ConfigureAwait(false);

        update(s => s with { Stage = "stitching", Fraction = 0.95 });
        var plan = services.Plan(jobId, () => WalkForwardPlan.Load(services.Layout, request, versions));
        var runs = Enumerable.Range(0, units).Select(u => shards[u]).Select(r => new WindowRun(
            r.Chosen is null ? null! : new WindowOutcome(new WalkForwardWindow(r.Window[0], r.Window[1], r.Window[2], r.Window[3]), r.Chosen, r.InSampleMetric, r.OutOfSampleMetric, r.InSampleAnnualReturn, r.OutOfSampleAnnualReturn, r.Dates[0], r.Dates[^1]),
            r.Dates, r.Returns)).ToList();
        var summary = plan.Summarise(runs);
        var stitched = runs.Take(plan.Windows.Count).ToList();
        var series = await services.Series.WriteWalkForwardAsync(jobId, [.. stitched.SelectMany(r => r.Dates)], [.. stitched.SelectMany(r => r.Returns)], summary.Windows, cancellationToken).ConfigureAwait(false);
        await RecordAsync(submission, request.Canonical(), versions, ResultDocuments.Serialize(summary), series, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunSignalSweepAsync(JobSubmission submission, SignalSweepJobSpec spec, Dictionary<string, string> versions, CancellationToken cancellationToken)
    {
        var request = BacktestSpecs.ToRequest(spec);
        var units = request.Units;
        var call = new SignalShardRequest(spec, versions, 0, jobId);
        var pending = Enumerable.Range(0, units).Where(u => !signalUnits.ContainsKey(u)).ToList();
        if (pending.Count < units)
        {
            logger.LogInformation("Job {Job} resumes its signal sweep with {Done} of {Units} units from its checkpoint", jobId, units - pending.Count, units);
        }

        update(s => s with { Stage = $"{request.Definitions.Count} variants in {units} units across the cluster", Fraction = 0.02 + (0.93 * signalUnits.Count / units) });
        await FanOutAsync(pending, async (unit, token) =>
        {
            signalUnits[unit] = await factory.GetGrain<ISignalShardGrain>($"{jobId}/{unit}").RunAsync(call with { Unit = unit }).WaitAsync(services.Options.ChunkTimeout, token).ConfigureAwait(false);
            update(s => s with { Fraction = 0.02 + (0.93 * signalUnits.Count / units) });
        }, cancellationToken).ConfigureAwait(false);

        update(s => s with { Stage = "storing", Fraction = 0.96 });
        var variants = Enumerable.Range(0, units).SelectMany(u => ResultDocuments.Deserialize<List<SweepVariant>>(signalUnits[u].VariantsJson)).ToList();
        var summary = SignalSweepSummary.Of(request, variants);
        var recorder = services.Trials ?? throw new InvalidOperationException("This silo has no trial ledger configured: a signal sweep's variants must be recorded as trials.");
        await recorder.RecordOnceAsync(SignalSweepTrials.Of(jobId, spec.Question ?? "default", submission.RequestedBy, request, versions, summary, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        var series = await services.Series.WriteSignalSweepAsync(jobId, summary, cancellationToken).ConfigureAwait(false);
        await RecordAsync(submission, request.Canonical(), versions, ResultDocuments.Serialize(summary), series, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs units with bounded calls in flight; a failed call is asked again as <see cref="UnitRetryPolicy"/> says (by time after a lost silo).</summary>
    private Task FanOutAsync(IReadOnlyList<int> units, Func<int, CancellationToken, Task> call, CancellationToken cancellationToken) =>
        UnitRetryPolicy.ForEachAsync(units, services.Options, clock, call, (e, unit, attempt, delay) =>
            logger.LogWarning(e, "Job {Job}: unit {Unit} attempt {Attempt} failed ({Kind}); asking again in {Delay}", jobId, unit, attempt,
                UnitRetryPolicy.IsSiloLoss(e) ? "silo lost or unreachable" : "error", delay), cancellationToken);

    private async Task RecordAsync(JobSubmission submission, string canonical, IReadOnlyDictionary<string, string> versions, string metrics, StoredSeries series, CancellationToken cancellationToken)
    {
        var (kind, label) = BacktestSpecs.Describe(submission);
        var sorted = new SortedDictionary<string, string>(versions.ToDictionary(), StringComparer.Ordinal);
        await services.Index.RecordAsync(new StoredResult(jobId, WireNames.Of(kind), label, submission.RequestedBy, canonical, ResultDocuments.Serialize(sorted), metrics,
            ResultDocuments.Sha256(metrics), series.Folder, series.Sha256, clock.GetUtcNow(), Pinned: false, Starred: false), cancellationToken).ConfigureAwait(false);
    }


    private sealed class Progress(Action<(string Stage, double Fraction)> handler) : IProgress<(string Stage, double Fraction)>
    {
        public void Report((string Stage, double Fraction) value) => handler(value);
    }
}
