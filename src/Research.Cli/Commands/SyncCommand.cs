using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Research.Cli.Commands.Audit;
using Research.Cli.Infrastructure;
using Research.Platform.Storage.Audit;
using Research.Data.Providers.FamaFrench;
using Research.Data.Providers.Wrds;
using Research.Data.Sync;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research sync</c>: pull datasets from a source into new warehouse versions (single writer, validated).</summary>
public static class SyncCommand
{
    public static Command Create(CliOutput output)
    {
        var full = new Option<bool>("--full-sync") { Description = "Pull every chunk." };
        var incremental = new Option<bool>("--incremental") { Description = "Pull from the current version's watermark on; keep the rest." };
        var dataset = new Option<string?>("--dataset") { Description = "Dataset or group: crsp, compustat, ccm, famafrench, taq, truth, or e.g. crsp/daily." };
        var all = new Option<bool>("--all") { Description = "Every dataset the source offers." };
        var sourceName = new Option<string[]>("--source")
        {
            Description = "Where data comes from: 'synthetic' (default), 'wrds' (see --wrds, --crsp-format), 'french' (download the Ken French library; see --french-url) or 'files DIR' (Ken French library files on disk).",
            Arity = new ArgumentArity(1, 2),
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => ["synthetic"],
        };
        var frenchUrl = new Option<string?>("--french-url") { Description = $"Base URL of the Ken French library downloads (default {FrenchLibraryDownloader.DefaultBaseUri})." };
        var status = new Option<bool>("--status") { Description = "Show each dataset's current version, last sync, rows, watermark, validation and the lock holder." };
        var viaCluster = new Option<bool>("--via-cluster") { Description = "Ask the cluster's warehouse writer to sync (the way to seed or refresh a Production warehouse) and follow it; synthetic source only." };
        var command = new Command("sync", "Sync datasets into new immutable versions: one writer at a time, checkpointed, validated before publish.")
        {
            full, incremental, dataset, all, sourceName, status, frenchUrl, viaCluster, ClusterOptions.Gateway,
        };
        foreach (var option in WrdsConnectionOptions.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, ct) =>
        {
            var configuration = CliConfiguration.Build(parse);
            var layout = new WarehouseLayout(CliConfiguration.DataRoot(configuration));
            if (parse.GetValue(status))
            {
                return Status(output, layout, parse.GetValue(CliOptions.Json));
            }

            if (parse.GetValue(full) == parse.GetValue(incremental))
            {
                throw new CliException("Give exactly one of --full-sync and --incremental (or --status).");
            }

            if (parse.GetValue(dataset) is null == !parse.GetValue(all))
            {
                throw new CliException("Give exactly one of --dataset NAME and --all.");
            }

            var sourceArgs = parse.GetValue(sourceName) ?? ["synthetic"];
            if (parse.GetValue(viaCluster))
            {
                if (sourceArgs is not ["synthetic"])
                {
                    throw new CliException($"--via-cluster: the cluster's writer syncs the synthetic source only for now; run --source {string.Join(' ', sourceArgs)} without --via-cluster on a machine that mounts the warehouse.");
                }

                var offered = new SyntheticSyncSource(layout, SyntheticOptions(configuration)).Datasets;
                var requested = parse.GetValue(all) ? offered : DatasetGroups.Expand(parse.GetValue(dataset)!, offered);
                return await ClusterSync.RunAsync(output, parse, requested, parse.GetValue(incremental), ct).ConfigureAwait(false);
            }

            await using var wrdsClient = sourceArgs is ["wrds"] ? WrdsConnectionOptions.CreateClient(parse, configuration) : null;
            var downloadFolder = sourceArgs is ["french"] ? Path.Combine(layout.StagingFolder, "french-download-" + Environment.ProcessId) : null;
            using var cleanup = new FolderCleanup(downloadFolder);
            if (downloadFolder is not null)
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
                var downloader = new FrenchLibraryDownloader(http) { BaseUri = parse.GetValue(frenchUrl) is { Length: > 0 } url ? new Uri(url.EndsWith('/') ? url : url + "/") : FrenchLibraryDownloader.DefaultBaseUri };
                var missing = await output.WithProgressAsync("download", p => downloader.DownloadAsync(FrenchFilesSyncSource.LibraryFiles, downloadFolder,
                    new SynchronousProgress<(string File, double Fraction)>(x => p.Report((x.File, x.Fraction))), ct)).ConfigureAwait(false);
                foreach (var name in missing)
                {
                    output.Error.WriteLine($"warning: {downloader.BaseUri}{name}_CSV.zip is not in the library (HTTP 404); its datasets are skipped.");
                }
            }

            ISyncSource source = sourceArgs switch
            {
                ["french"] => new FrenchFilesSyncSource(downloadFolder!),
                ["synthetic"] => new SyntheticSyncSource(layout, SyntheticOptions(configuration)),
                ["wrds"] => new WrdsSyncSource(wrdsClient!, WrdsConnectionOptions.ParseFormat(parse)),
                ["files", var folder] => new FrenchFilesSyncSource(Path.GetFullPath(folder)),
                ["files"] => throw new CliException("--source files needs the folder: --source files DIR."),
                _ => throw new CliException($"Source '{string.Join(' ', sourceArgs)}' is not available; use --source synthetic, --source wrds, --source french or --source files DIR."),
            };
            var datasets = parse.GetValue(all) ? source.Datasets : DatasetGroups.Expand(parse.GetValue(dataset)!, source.Datasets);
            var mode = parse.GetValue(full) ? SyncMode.Full : SyncMode.Incremental;
            var manager = new SyncManager(layout, TimeProvider.System);
            var outcomes = new List<SyncOutcome>();
            await output.WithProgressAsync("sync", async p =>
            {
                if (source is SyntheticSyncSource synthetic)
                {
                    await synthetic.EnsureGeneratedAsync(new SynchronousProgress<SyntheticMarketProgress>(x => p.Report(($"generating: {x.Stage}", 0.5 * x.Fraction))), ct).ConfigureAwait(false);
                }

                for (var i = 0; i < datasets.Count; i++)
                {
                    var index = i;
                    outcomes.Add(await manager.SyncAsync(datasets[i], mode, source, Environment.UserName,
                        new SynchronousProgress<SyncProgress>(x => p.Report(($"{x.Dataset}: {x.Stage}", 0.5 + (0.5 * (index + x.Fraction) / datasets.Count)))), ct).ConfigureAwait(false));
                }

                return outcomes.Count;
            }).ConfigureAwait(false);

            // A recovered stale lock is recorded in the audit log as well as in .research/lock-recoveries.jsonl.
            foreach (var o in outcomes.Where(o => o.LockRecovered is not null))
            {
                output.Info($"{o.Dataset}: {o.LockRecovered}");
                await AuditCommand.Open(parse).AppendAsync(new AuditEntry(Environment.UserName, "warehouse.lock.recover", o.Dataset, "ok", o.LockRecovered, $"cli@{Environment.MachineName}"), ct).ConfigureAwait(false);
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(outcomes.Select(o => new { o.Dataset, o.Manifest.VersionId, o.Manifest.Rows, o.ChunksPulled, o.ChunksResumed, o.FilesShared, o.Manifest.Watermark }));
                return ExitCodes.Ok;
            }

            foreach (var o in outcomes)
            {
                output.Out.WriteLine($"{o.Dataset}: published {o.Manifest.VersionId} ({o.Manifest.Rows:N0} rows; {o.ChunksPulled} chunk(s) pulled, {o.ChunksResumed} resumed, {o.FilesShared} file(s) shared with the parent)");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static int Status(CliOutput output, WarehouseLayout layout, bool json)
    {
        var manifests = new WarehouseCatalog(layout).CurrentManifests();
        var holder = SyncLock.ReadHolder(layout);
        if (json)
        {
            output.WriteJson(new
            {
                lockHolder = holder,
                datasets = manifests.Select(m => new { m.Dataset, m.VersionId, lastSync = m.PublishedAt, m.Rows, m.Watermark, validation = m.Validation.All(f => f.Passed) ? "passed" : "failed", m.Source }),
            });
            return ExitCodes.Ok;
        }

        var table = new Table().AddColumns("Dataset", "Current version", "Last sync (UTC)", "Rows", "Watermark", "Validation");
        foreach (var m in manifests)
        {
            table.AddRow(m.Dataset, m.VersionId, m.PublishedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), m.Rows.ToString("N0", CultureInfo.InvariantCulture),
                Markup.Escape(m.Watermark ?? "-"), m.Validation.Count == 0 ? "-" : m.Validation.All(f => f.Passed) ? $"{m.Validation.Count} passed" : "failed");
        }

        output.Console.Write(table);
        output.Out.WriteLine(holder is null ? "lock: free" : $"lock: held by {holder.Describe()}");
        return ExitCodes.Ok;
    }

    private static SyntheticMarketOptions SyntheticOptions(IConfiguration configuration)
    {
        try
        {
            return SyntheticOptionsReader.Read(key => configuration[key], DemoWarehouseSeeder.DemoOptions);
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException)
        {
            throw new CliException(e.Message.Split(Environment.NewLine)[0], e);
        }
    }

    /// <summary>Deletes a scratch folder (the downloaded library files) when the command ends, however it ends.</summary>
    private sealed class FolderCleanup(string? folder) : IDisposable
    {
        public void Dispose()
        {
            if (folder is not null && Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
