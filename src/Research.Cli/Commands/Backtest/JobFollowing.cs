using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Backtests;

namespace Research.Cli.Commands.Backtest;

/// <summary>Submits a job to the cluster's scheduler and, when asked, follows it with a progress bar to its result.</summary>
internal static class JobFollowing
{
    public static async Task<int> SubmitAsync(CliOutput output, ParseResult parse, JobSubmission submission, bool wait, CancellationToken ct)
    {
        await using var cluster = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), ct).ConfigureAwait(false);
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
            BacktestOutput.WriteStatuses(output, parse, [submitted]);
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
        if (final.State != JobState.Succeeded)
        {
            throw new CliException($"Job {final.JobId} {final.State}{(final.Error is null ? string.Empty : $": {final.Error}")}.");
        }

        BacktestOutput.WriteResult(output, parse, (await job.GetResultAsync().ConfigureAwait(false))!);
        return ExitCodes.Ok;
    }
}
