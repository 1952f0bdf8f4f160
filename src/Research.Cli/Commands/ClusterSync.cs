using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Warehouse;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research sync --via-cluster</c>: the cluster's single warehouse writer (<see cref="ISyncWriterGrain"/>) runs the
/// sync on a silo (in Production, on the shared warehouse volume); the CLI starts it and follows its status. A lost
/// connection while following (the writer's silo died) is said in one line and the CLI keeps following: the writer
/// resumes the sync on a surviving silo.
/// </summary>
internal static class ClusterSync
{
    private static readonly TimeSpan RideThrough = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(CliOutput output, ParseResult parse, IReadOnlyList<string> datasets, bool incremental, CancellationToken cancellationToken)
    {
        await using var connection = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), cancellationToken).ConfigureAwait(false);
        var writer = connection.Client.GetGrain<ISyncWriterGrain>(ISyncWriterGrain.Key);
        SyncJobStatus job;
        try
        {
            job = await writer.StartAsync(new SyncRequest([.. datasets], incremental, Environment.UserName)).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message, e);
        }

        output.Info($"sync job {job.JobId} started on the cluster: {string.Join(", ", datasets)}");
        var final = await output.WithProgressAsync($"sync {job.JobId} (cluster)", async progress =>
        {
            DateTimeOffset? lostSince = null;
            while (true)
            {
                SyncJobStatus status;
                try
                {
                    status = await writer.GetStatusAsync().ConfigureAwait(false);
                    if (lostSince is not null)
                    {
                        output.Info("connection to the cluster is back; still following the sync");
                        lostSince = null;
                    }
                }
                catch (Exception e) when (e is OrleansException or TimeoutException)
                {
                    lostSince ??= DateTimeOffset.UtcNow;
                    if (DateTimeOffset.UtcNow - lostSince > RideThrough)
                    {
                        throw new CliException($"Lost the cluster for more than {RideThrough.TotalMinutes:F0} minutes while following sync job {job.JobId} ({e.Message}); it may still finish: 'research sync --status' shows the warehouse.", e);
                    }

                    output.Info($"lost the connection to the cluster ({e.GetType().Name}); the writer resumes the sync on a surviving silo; still following");
                    await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (status.JobId == job.JobId && status.State != SyncState.Running)
                {
                    return status;
                }

                progress.Report(($"{status.CurrentDataset ?? "sync"}: {status.Stage}", status.Fraction));
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);

        if (parse.GetValue(CliOptions.Json))
        {
            output.WriteJson(final);
        }
        else
        {
            foreach (var published in final.Published)
            {
                output.Out.WriteLine($"published {published}");
            }
        }

        return final.State == SyncState.Succeeded
            ? ExitCodes.Ok
            : throw new CliException($"sync job {final.JobId} {final.State.ToString().ToLowerInvariant()}: {final.Error ?? final.Stage}");
    }
}
