using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Research.Backtesting.Engine;
using Research.Backtesting.Metrics;
using Research.Grains.Abstractions;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Abstractions.Warehouse;
using Research.Grains.Backtests;
using Research.Grains.Tests.Backtests;
using Research.Grains.Warehouse;

namespace Research.Grains.Tests.Contracts;

/// <summary>
/// The contract enums read and write the text their strings had, everywhere text is: JSON, the CLI, and the grain
/// state persisted before they were enums.
/// </summary>
public sealed class WireContractTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    [Fact]
    public void Every_contract_enum_keeps_the_text_its_string_had()
    {
        Assert.Equal(["none", "queued", "running", "succeeded", "failed", "cancelled"], WireNames.All<JobState>());
        Assert.Equal(["none", "backtest", "monte-carlo", "walk-forward", "signal-sweep"], WireNames.All<JobKind>()); // added kinds keep the existing texts
        Assert.Equal(["high", "normal", "low"], WireNames.All<JobPriority>());
        Assert.Equal(["next-close", "next-open"], WireNames.All<ExecutionTiming>());
        Assert.Equal(["bootstrap", "trades", "shuffle"], WireNames.All<MonteCarloMethod>());
        Assert.Equal(["idle", "running", "succeeded", "failed"], WireNames.All<SyncState>());
        Assert.Equal("walk-forward", WireNames.Of(JobKind.WalkForward));
        Assert.Equal(ExecutionTiming.NextOpen, WireNames.Parse<ExecutionTiming>("next-open", "execution"));
    }

    [Theory]
    [InlineData("Running")]
    [InlineData("2")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_but_an_exact_wire_name_is_refused_naming_the_field(string? text)
    {
        Assert.False(WireNames.TryParse<JobState>(text, out _));
        var error = Assert.Throws<ArgumentException>(() => WireNames.Parse<JobState>(text, "state"));
        Assert.Equal($"state: '{text}' is not one of none, queued, running, succeeded, failed, cancelled.", error.Message);
    }

    [Fact]
    public void The_engine_and_the_wire_enums_agree_on_names()
    {
        // The CLI maps the engine's execution to the wire's by name; the grain maps metric units by value.
        Assert.Equal(WireNames.All<Execution>(), WireNames.All<ExecutionTiming>());
        Assert.Equal(Enum.GetNames<MetricUnit>(), Enum.GetNames<ResultMetricUnit>());
        Assert.Equal(Enum.GetValues<MetricUnit>().Select(v => (int)v), Enum.GetValues<ResultMetricUnit>().Select(v => (int)v));
    }

    [Fact]
    public async Task Grain_state_persisted_when_the_contracts_were_strings_still_reads_and_is_written_the_same_way()
    {
        await using var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, fixture.Scratch("wire"), new BacktestJobOptions());
        var serializer = cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainStorageSerializer>();

        // As the silo wrote it before this change (strings where enums are now), trimmed to the fields that changed.
        const string job = """
            {"$id":"1","$type":"Research.Grains.Backtests.BacktestJobState, Research.Grains",
             "Submission":{"$id":"2","$type":"Research.Grains.Abstractions.Backtests.JobSubmission, Research.Grains.Abstractions",
               "Backtest":{"$id":"3","$type":"Research.Grains.Abstractions.Backtests.BacktestJobSpec, Research.Grains.Abstractions","Strategy":"momentum","Execution":"next-open","Quantile":0.2,"Capital":10000000.0,"CommissionBps":1.0,"HalfSpreadBps":5.0,"Impact":0.1,"BorrowBps":50.0,"Construction":"quantile"},
               "Priority":"high","RequestedBy":"root"},
             "Status":{"$id":"4","$type":"Research.Grains.Abstractions.Backtests.BacktestJobStatus, Research.Grains.Abstractions",
               "JobId":"bt-1","Kind":"walk-forward","Label":"x","State":"cancelled","Stage":"cancelled","Fraction":0.5,"Priority":"low","RequestedBy":"root","Attempts":1}}
            """;
        var state = serializer.Deserialize<BacktestJobState>(new BinaryData(job))!;
        Assert.Equal(ExecutionTiming.NextOpen, state.Submission!.Backtest!.Execution);
        Assert.Equal(JobPriority.High, state.Submission.Priority);
        Assert.Equal((JobKind.WalkForward, JobState.Cancelled, JobPriority.Low), (state.Status!.Kind, state.Status.State, state.Status.Priority));

        const string sync = """{"$id":"1","$type":"Research.Grains.Warehouse.SyncWriterState, Research.Grains","Job":{"$id":"2","$type":"Research.Grains.Abstractions.Warehouse.SyncJobStatus, Research.Grains.Abstractions","JobId":"s1","State":"failed","Datasets":[],"Stage":"","Fraction":0,"Published":[]}}""";
        Assert.Equal(SyncState.Failed, serializer.Deserialize<SyncWriterState>(new BinaryData(sync))!.Job.State);
        Assert.Equal((string.Empty, SyncState.Idle), (new SyncWriterState().Job.JobId, new SyncWriterState().Job.State)); // reading a state leaves the next default alone

        var written = serializer.Serialize(state).ToString();
        Assert.Contains("\"Execution\":\"next-open\"", written, StringComparison.Ordinal);
        Assert.Contains("\"Kind\":\"walk-forward\"", written, StringComparison.Ordinal);
        Assert.Contains("\"State\":\"cancelled\"", written, StringComparison.Ordinal);
    }
}
