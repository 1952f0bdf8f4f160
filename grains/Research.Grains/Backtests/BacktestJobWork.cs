using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Research.Backtesting.Jobs;
using Research.Backtesting.MonteCarlo;
using Research.Backtesting.Results;
using Research.Grains.Abstractions.Backtests;

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
    Action<Func<BacktestJobStatus, BacktestJobStatus>> update)
{
    public async Task RunAsync(JobSubmission submission, Dictionary<string, string> versions, CancellationToken cancellationToken)
    {
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
            else
            {
                await RunMonteCarloAsync(submission, submission.MonteCarlo!, versions, cancellationToken).ConfigureAwait(false);
            }

            update(s => s with { State = BacktestJobStatus.Succeeded, Stage = "done", Fraction = 1, FinishedAt = clock.GetUtcNow() });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            update(s => s with { State = BacktestJobStatus.Cancelled, Stage = "cancelled", FinishedAt = clock.GetUtcNow() });
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {Job} failed", jobId);
            update(s => s with { State = BacktestJobStatus.Failed, Stage = "failed", FinishedAt = clock.GetUtcNow(), Error = e.Message });
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
        await RecordAsync(submission, request.Canonical(), run.DataVersions, ResultDocuments.Serialize(run.Metrics), series, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunMonteCarloAsync(JobSubmission submission, MonteCarloJobSpec spec, Dictionary<string, string> versions, CancellationToken cancellationToken)
    {
        var request = BacktestSpecs.ToRequest(spec);
        update(s => s with { Stage = "reading the source returns" });
        var (dates, returns) = await services.Series.ReadDailyReturnsAsync(request.SourceJob, cancellationToken).ConfigureAwait(false);
        int[]? periodStarts = null;
        if (request.Method == Resampling.TradeBootstrap)
        {
            var traded = await services.Series.ReadTradeDatesAsync(request.SourceJob, cancellationToken).ConfigureAwait(false);
            // Trades execute at a close (or open); the new holdings earn from the next session: a period starts there.
            periodStarts = [.. traded.Select(d => Array.BinarySearch(dates, d)).Where(i => i >= 0).Select(i => i + 1)];
        }

        var size = Math.Max(1, services.Options.MonteCarloChunkPaths);
        var chunks = (request.Paths + size - 1) / size;
        var pending = Enumerable.Range(0, chunks).Where(c => !done.ContainsKey(c)).ToList();
        if (pending.Count < chunks)
        {
            logger.LogInformation("Job {Job} resumes Monte Carlo with {Done} of {Chunks} chunks from its checkpoint", jobId, chunks - pending.Count, chunks);
        }

        update(s => s with { Stage = $"simulating {request.Paths:N0} paths in {chunks} chunks", Fraction = (double)done.Count / chunks });
        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, services.Options.MaxChunksInFlight), CancellationToken = cancellationToken }, async (chunk, token) =>
        {
            var first = chunk * size;
            var call = new MonteCarloChunkRequest(returns, spec, first, Math.Min(size, request.Paths - first), periodStarts);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var result = await factory.GetGrain<IMonteCarloChunkGrain>($"{jobId}/{chunk}").RunAsync(call).WaitAsync(services.Options.ChunkTimeout, token).ConfigureAwait(false);
                    done[chunk] = result;
                    update(s => s with { Fraction = 0.95 * done.Count / chunks });
                    return;
                }
                catch (Exception e) when (!token.IsCancellationRequested && attempt < services.Options.ChunkAttempts && e is not ArgumentException)
                {
                    logger.LogWarning(e, "Job {Job}: chunk {Chunk} attempt {Attempt} failed; asking again", jobId, chunk, attempt);
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), token).ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);

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
        var series = await services.Series.WriteMonteCarloAsync(jobId, paths, cancellationToken).ConfigureAwait(false);
        await RecordAsync(submission, request.Canonical(), versions, ResultDocuments.Serialize(summary), series, cancellationToken).ConfigureAwait(false);
    }

    private async Task RecordAsync(JobSubmission submission, string canonical, IReadOnlyDictionary<string, string> versions, string metrics, StoredSeries series, CancellationToken cancellationToken)
    {
        var (kind, label) = BacktestSpecs.Describe(submission);
        var sorted = new SortedDictionary<string, string>(versions.ToDictionary(), StringComparer.Ordinal);
        await services.Index.RecordAsync(new StoredResult(jobId, kind, label, submission.RequestedBy, canonical, ResultDocuments.Serialize(sorted), metrics,
            ResultDocuments.Sha256(metrics), series.Folder, series.Sha256, clock.GetUtcNow(), Pinned: false, Starred: false), cancellationToken).ConfigureAwait(false);
    }


    private sealed class Progress(Action<(string Stage, double Fraction)> handler) : IProgress<(string Stage, double Fraction)>
    {
        public void Report((string Stage, double Fraction) value) => handler(value);
    }
}
