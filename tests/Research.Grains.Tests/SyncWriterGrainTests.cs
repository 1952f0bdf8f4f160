using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Warehouse;
using Research.Testing;

namespace Research.Grains.Tests;

/// <summary>The warehouse writer grain on a two-silo test cluster: start, then poll, one job at a time.</summary>
public sealed class SyncWriterGrainTests : IAsyncLifetime
{
    private static readonly TempDirectory DataRoot = TestEnvironment.CreateTempDirectory("sync-writer");
    private static readonly Research.Platform.Storage.Security.SecurityStorage Security = Research.Platform.Storage.Security.SecurityStorage.Open(null, DataRoot.Path, TimeProvider.System);
    private static readonly System.Text.Json.JsonSerializerOptions WebJson = new(System.Text.Json.JsonSerializerDefaults.Web);
    private InProcessTestCluster _cluster = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(GrainStorageNames.Research);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton(new WarehouseLayout(DataRoot.Path));
            silo.Services.AddSingleton(TimeProvider.System);
            silo.Services.AddSingleton(new SyntheticMarketOptions { Stocks = 40, Years = 2, Seed = 5, IntradaySymbols = 1, IntradayDays = 1 });
            silo.Services.AddSingleton(Security);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        DataRoot.Dispose();
    }

    [Fact]
    public async Task A_sync_started_through_the_writer_grain_publishes_and_reports_progress_to_pollers()
    {
        var writer = _cluster.Client.GetGrain<ISyncWriterGrain>(ISyncWriterGrain.Key);
        // Six datasets, so that the sync still runs when the next two requests arrive. The first is awaited before they
        // are sent: calls sent together may be taken in any order (the client talks to both silos' gateways), and with
        // two small syncs sent at once the other one was once taken first.
        string[] datasets = ["ccm/links", "crsp/names", "crsp/daily", "crsp/delisting", "compustat/quarterly", "famafrench/factors_daily"];
        var request = new SyncRequest(datasets, Incremental: false, RequestedBy: "tests");
        var started = await writer.StartAsync(request);
        Assert.Equal(SyncState.Running, started.State);

        // The wake reminder is registered before the start returns (read from the reminder table, not through the busy
        // grain, whose calls may wait behind the sync's work and see it finished).
        var reminders = _cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        Assert.Contains(Research.Grains.Hosting.WakeReminder.Name, (await reminders.ReadRows(writer.GetGrainId())).Reminders.Select(r => r.ReminderName));
        var other = writer.StartAsync(new SyncRequest(["crsp/daily"], false, "someone else"));
        var again = writer.StartAsync(request);
        await Assert.ThrowsAsync<InvalidOperationException>(() => other);
        Assert.Equal(started.JobId, (await again).JobId); // the same request is the same job

        var status = await PollAsync(writer);
        Assert.True(status.State == SyncState.Succeeded, status.Error);
        await Eventually.UntilAsync(async () => (await reminders.ReadRows(writer.GetGrainId())).Reminders.Count, n => n == 0, "the finished writer to remove its wake reminder", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(datasets.Length, status.Published.Count);
        var catalog = new WarehouseCatalog(new WarehouseLayout(DataRoot.Path));
        Assert.Contains($"ccm/links@{catalog.ReadCurrent("ccm/links")!.VersionId}", status.Published);
        Assert.Null(SyncLock.ReadHolder(new WarehouseLayout(DataRoot.Path)));

        // A writer that died holding the lock (another host, lease long lapsed): the next sync recovers it and audits that.
        var stale = new SyncLockHolder(1, null, "lost-host", DateTimeOffset.UtcNow.AddMinutes(-10), "crsp/daily", "sync on a lost pod", "lost");
        await File.WriteAllTextAsync(SyncLock.PathFor(new WarehouseLayout(DataRoot.Path)), System.Text.Json.JsonSerializer.Serialize(stale, WebJson), TestContext.Current.CancellationToken);
        var next = await writer.StartAsync(new SyncRequest(["famafrench/factors_daily"], false, "tests"));
        Assert.NotEqual(started.JobId, next.JobId);
        Assert.Equal(SyncState.Succeeded, (await PollAsync(writer)).State);
        var audited = Assert.Single(await Security.Audit.ReadAsync(new Research.Platform.Storage.Audit.AuditQuery(Action: "warehouse.lock.recover"), TestContext.Current.CancellationToken));
        Assert.Equal("famafrench/factors_daily", audited.Entry.Target);
        Assert.Contains("on host lost-host", audited.Entry.Reason, StringComparison.Ordinal);
        Assert.Contains("its lease was last renewed", audited.Entry.Reason, StringComparison.Ordinal);
    }

    private static Task<SyncJobStatus> PollAsync(ISyncWriterGrain writer) =>
        Eventually.UntilAsync(() => writer.GetStatusAsync(), s => s.State != SyncState.Running, "the sync job to finish", cancellationToken: TestContext.Current.CancellationToken);
}
