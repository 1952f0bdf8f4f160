using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Abstractions.Warehouse;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research sync --via-cluster</c>: the cluster's single warehouse writer (<see cref="ISyncWriterGrain"/>) runs the
/// sync on a silo (in Production, on the shared warehouse volume); the CLI starts it and follows its status, riding
/// through a lost silo (<see cref="CliRideThrough"/>): the writer resumes the sync on a surviving silo.
/// </summary>
internal static class ClusterSync
{
    public static async Task<int> RunAsync(CliOutput output, ParseResult parse, IReadOnlyList<string> datasets, bool incremental, CancellationToken cancellationToken)
    {
        await using var connection = await ClusterConnection.ConnectAsync(ClusterOptions.Configuration(parse), cancellationToken).ConfigureAwait(false);
        var writer = connection.Client.GetGrain<ISyncWriterGrain>(ISyncWriterGrain.Key);
        var calls = new CliRideThrough(output, TimeProvider.System);
        SyncJobStatus job;
        try
        {
            job = await calls.CallAsync(() => writer.StartAsync(new SyncRequest([.. datasets], incremental, Environment.UserName)), "starting the sync", cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message, e);
        }

        output.Info($"sync job {job.JobId} started on the cluster: {string.Join(", ", datasets)}");
        var final = await output.WithProgressAsync($"sync {job.JobId} (cluster)", async progress =>
        {
            while (true)
            {
                var status = await calls.CallAsync(writer.GetStatusAsync, $"following sync job {job.JobId}", cancellationToken).ConfigureAwait(false);
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
