using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Research.Core.Calendars;
using Research.Data.Fetching;
using Research.Data.Synthetic;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Warehouse;
using Research.Grains.Hosting;
using Research.Grains.Warehouse;
using Research.Testing;

namespace Research.Grains.Tests;

/// <summary>
/// The ETL schedule grain on a test cluster with a fake clock and a Yahoo stub: a cron schedule in New York time runs
/// once per occurrence from the reminder's tick, loads up to the last completed day, and every change is audited.
/// </summary>
public sealed class EtlScheduleGrainTests : IAsyncLifetime
{
    private static readonly CallerIdentity Operator = new("ops", Role.Operator, "tests");
    private readonly TempDirectory _dataRoot = TestEnvironment.CreateTempDirectory("etl-schedule");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero)); // a Friday, 07:00 in New York
    private readonly YahooStub _stub = new();
    private InProcessTestCluster _cluster = null!;

    private Research.Platform.Storage.Security.SecurityStorage Security { get; set; } = null!;

    private string DataRoot => _dataRoot.Path;

    public async ValueTask InitializeAsync()
    {
        Security = Research.Platform.Storage.Security.SecurityStorage.Open(null, DataRoot, TimeProvider.System);
        foreach (var (symbol, k) in new[] { ("AAA", 1.0), ("BBB", 2.0) })
        {
            var sessions = NyseCalendar.Instance.Sessions(new DateOnly(2024, 1, 2), new DateOnly(2024, 3, 8));
            _stub.Tape(symbol, YahooStub.Chart(symbol, "USD", sessions.Select((d, i) => (d, 10 * k * (1 + (0.002 * i)), 10 * k * (1 + (0.002 * i)), 100L))));
        }

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(GrainStorageNames.Research);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton(new FetcherSettings { YahooBaseAddress = _stub.Address, YahooRequestsPerSecond = 50, YahooMaxRetries = 0 });
            silo.AddResearchWarehouse(new WarehouseLayout(DataRoot), _clock);
            silo.Services.AddSingleton(new SyntheticMarketOptions { Stocks = 40, Years = 2, Seed = 5 });
            silo.Services.AddSingleton(Security);
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _stub.DisposeAsync();
        _dataRoot.Dispose();
    }

    private IEtlScheduleGrain Grain => _cluster.Client.GetGrain<IEtlScheduleGrain>("yahoo/daily");

    private Task TickAsync() => _cluster.Client.GetGrain<IEtlScheduleGrain>("yahoo/daily").AsReference<IRemindable>().ReceiveReminder(EtlScheduleGrain.ReminderName, default);

    private Task<EtlScheduleStatus> FinishedAsync() => Eventually.UntilAsync(() => Operator.RunAsync(() => Grain.GetStatusAsync()), s => s.LastRun is { Outcome: not "running" }, "the ETL run to finish", cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_weekday_schedule_runs_once_per_occurrence_up_to_the_last_completed_day_and_is_audited()
    {
        var schedule = new EtlSchedule("30 18 * * 1-5", ["aaa", "BBB"], new DateOnly(2024, 1, 2), "yahoo", AllowPartial: false, "America/New_York", "ops");
        var set = await Operator.RunAsync(() => Grain.SetAsync(schedule));
        Assert.Equal(["AAA", "BBB"], set.Schedule!.Symbols);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 23, 30, 0, TimeSpan.Zero), set.NextRunAt); // 18:30 in New York (EST)
        var reminders = _cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        Assert.Contains(EtlScheduleGrain.ReminderName, (await reminders.ReadRows(Grain.GetGrainId())).Reminders.Select(r => r.ReminderName));

        await TickAsync(); // before the occurrence: nothing runs
        Assert.Null((await Operator.RunAsync(() => Grain.GetStatusAsync())).LastRun);

        _clock.SetUtcNow(new DateTimeOffset(2024, 3, 1, 23, 31, 0, TimeSpan.Zero));
        await TickAsync();
        var first = await FinishedAsync();
        Assert.True(first.LastRun!.Outcome == "published", first.LastRun.Error);
        Assert.Equal(("published", "schedule", "2024-03-01"), (first.LastRun!.Outcome, first.LastRun.Trigger, first.LastRun.Watermark)); // Friday's bar is final after 18:00
        var sessions = NyseCalendar.Instance.Sessions(new DateOnly(2024, 1, 2), new DateOnly(2024, 3, 1)).Count;
        Assert.Equal(2 * sessions, first.LastRun.NewRows);
        Assert.Equal(first.LastRun.Version, new WarehouseCatalog(new WarehouseLayout(DataRoot)).ReadCurrent("yahoo/daily")!.VersionId);
        Assert.Equal(new DateTimeOffset(2024, 3, 4, 23, 30, 0, TimeSpan.Zero), first.NextRunAt); // Monday

        await TickAsync(); // the same occurrence is not served twice
        Assert.Equal(first.LastRun, (await Operator.RunAsync(() => Grain.GetStatusAsync())).LastRun);

        // Over the weekend and Monday evening: one run for Monday's occurrence, with Monday's session only.
        _clock.SetUtcNow(new DateTimeOffset(2024, 3, 5, 1, 0, 0, TimeSpan.Zero));
        await TickAsync();
        var monday = await FinishedAsync();
        Assert.Equal(("published", 2, "2024-03-04"), (monday.LastRun!.Outcome, monday.LastRun.NewRows, monday.LastRun.Watermark));

        // By hand, with nothing new: nothing published.
        await Operator.RunAsync(() => Grain.RunNowAsync());
        var manual = await FinishedAsync();
        Assert.Equal(("nothing new", "manual"), (manual.LastRun!.Outcome, manual.LastRun.Trigger));

        var removed = await Operator.RunAsync(() => Grain.RemoveAsync());
        Assert.Null(removed.Schedule);
        Assert.Empty((await reminders.ReadRows(Grain.GetGrainId())).Reminders);
        var audit = (await Security.Audit.ReadAsync(new Research.Platform.Storage.Audit.AuditQuery(), TestContext.Current.CancellationToken)).Where(a => a.Entry.Target == "yahoo/daily").ToList();
        Assert.Equal(["etl.schedule.set", "etl.run", "etl.schedule.remove"], audit.Select(a => a.Entry.Action).Reverse().ToList());
        Assert.All(audit, a => Assert.Equal("ops", a.Entry.Actor));
    }

    [Theory]
    [InlineData("yahoo/daily", "every day", "America/New_York", "yahoo", "Cron expression 'every day'")]
    [InlineData("yahoo/daily", "0 22 * * *", "Mars/Olympus", "yahoo", "Time zone 'Mars/Olympus' is not known")]
    [InlineData("yahoo/daily", "0 22 * * *", "America/New_York", "bloomberg", "unknown provider(s) bloomberg")]
    [InlineData("crsp/daily", "0 22 * * *", "America/New_York", "yahoo", "not 'crsp/daily'")]
    public async Task A_schedule_that_could_not_run_is_refused_naming_what_is_wrong(string dataset, string cron, string zone, string source, string expected)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Operator.RunAsync(() => _cluster.Client.GetGrain<IEtlScheduleGrain>(dataset).SetAsync(new EtlSchedule(cron, ["AAA"], new DateOnly(2024, 1, 2), source, false, zone, "ops"))));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        var none = await Assert.ThrowsAsync<InvalidOperationException>(() => Operator.RunAsync(() => _cluster.Client.GetGrain<IEtlScheduleGrain>("prices/daily").RunNowAsync()));
        Assert.Contains("has no ETL schedule", none.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Occurrences_missed_while_no_silo_ran_are_served_once()
    {
        var schedule = new EtlSchedule("0 20 * * *", ["AAA"], new DateOnly(2024, 1, 2), "yahoo", false, "America/New_York", "ops");
        var after = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2024, 3, 4, 1, 0, 0, TimeSpan.Zero), EtlScheduleGrain.LastDue(schedule, after, new DateTimeOffset(2024, 3, 4, 9, 0, 0, TimeSpan.Zero)));
        Assert.Null(EtlScheduleGrain.LastDue(schedule, after, new DateTimeOffset(2024, 3, 1, 23, 0, 0, TimeSpan.Zero)));
    }
}
