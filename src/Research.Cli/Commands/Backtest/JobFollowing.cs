using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary>
/// Submits a job to the cluster's scheduler and, when asked, follows it with a progress bar to its result, riding through
/// a silo loss (<see cref="CliRideThrough"/>): the job resumes on a surviving silo and the CLI keeps waiting.
/// </summary>
internal static class JobFollowing
{
    public static async Task<int> SubmitAsync(CliOutput output, ParseResult parse, JobSubmission submission, bool wait, bool quiet, CancellationToken ct)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct).ConfigureAwait(false);
        var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
        var calls = new CliRideThrough(output, TimeProvider.System);
        BacktestJobStatus submitted;
        try
        {
            // Submitting is idempotent (the same spec on the same data is the same job), so a retry after a lost silo is safe.
            submitted = await calls.CallAsync(() => scheduler.SubmitAsync(submission), "submitting", ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new CliException(e.Message, e);
        }

        if (!wait)
        {
            if (quiet)
            {
                output.Out.WriteLine(submitted.JobId);
                return ExitCodes.Ok;
            }

            BacktestOutput.WriteStatuses(output, parse, [submitted]);
            return ExitCodes.Ok;
        }

        var job = cluster.Client.GetGrain<IBacktestJobGrain>(submitted.JobId);
        output.Info($"job {submitted.JobId} ({submitted.Label}): {submitted.State}");
        var final = await output.WithProgressAsync($"job {submitted.JobId}", async progress =>
        {
            while (true)
            {
                var s = await calls.CallAsync(job.GetStatusAsync, $"waiting for job {submitted.JobId}", ct).ConfigureAwait(false);
                progress.Report((s.Stage, s.Fraction));
                if (s.IsFinished)
                {
                    return s;
                }

                await Task.Delay(250, ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        if (final.State != JobState.Succeeded)
        {
            throw new CliException($"Job {final.JobId} {final.State}{(final.Error is null ? string.Empty : $": {final.Error}")}.");
        }

        if (quiet)
        {
            output.Out.WriteLine(final.JobId);
            return ExitCodes.Ok;
        }

        BacktestOutput.WriteResult(output, parse, (await calls.CallAsync(job.GetResultAsync, $"reading the result of {submitted.JobId}", ct).ConfigureAwait(false))!);
        return ExitCodes.Ok;
    }
}
