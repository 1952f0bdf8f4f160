using System.Text;
using Research.Analytics.Alpha.Signals;
using Research.Backtesting.Jobs;
using Research.Backtesting.Results;
using Research.Backtesting.Strategies;
using Research.Data.Registry;
using Research.Grains.Abstractions.Backtests;
using Research.Grains.Backtests;

namespace Research.Grains.Tests.Backtests;

/// <summary>The alpha strategy loads the registry's production signal model: promotion, rollback and a changed artifact, in process and as a cluster job.</summary>
public sealed class AlphaModelBacktestTests(BacktestWarehouseFixture fixture) : IClassFixture<BacktestWarehouseFixture>
{
    private static readonly DateOnly From = new(2022, 1, 3);

    [Fact]
    public async Task The_promoted_model_is_the_one_a_backtest_loads_rollback_restores_the_previous_and_a_changed_artifact_is_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        const string Name = "bt-alpha";
        var registry = new ModelRegistry(fixture.Layout.Root, TimeProvider.System);
        foreach (var signal in new[] { "momentum", "low_vol" })
        {
            var definition = BuiltInSignals.Find(signal)!;
            await registry.RegisterAsync(Name, SignalModels.Kind, definition.Description, new Dictionary<string, byte[]> { [SignalModels.DefinitionFile] = Encoding.UTF8.GetBytes(definition.CanonicalJson()) },
                null, null, new Dictionary<string, string>(), new Dictionary<string, double>(), new Dictionary<string, bool>(), "tests", ct);
        }

        var request = new BacktestRequest { Strategy = BacktestRequest.AlphaStrategy, Model = Name, From = From };
        var noProduction = Assert.Throws<ArgumentException>(() => BacktestRunner.CurrentVersions(fixture.Layout, request, ct));
        Assert.Contains("has no production version", noProduction.Message, StringComparison.Ordinal);

        (string Pin, string Metrics, string JobId) RunNow()
        {
            var versions = BacktestRunner.CurrentVersions(fixture.Layout, request, ct);
            var run = BacktestRunner.Run(fixture.Layout, request, versions, cancellationToken: ct);
            Assert.Equal(versions, run.DataVersions);
            return (versions[SignalModels.PinKey(Name)], ResultDocuments.Serialize(run.Metrics), BacktestRequest.JobId("bt", request.Canonical(), versions));
        }

        await registry.PromoteAsync(Name, 1, [], "ops", "first", ct);
        var momentum = RunNow();
        Assert.StartsWith("v1 sha256:", momentum.Pin, StringComparison.Ordinal);

        // The same definition given directly (the explorer's "backtest this signal") trades the same book.
        var direct = request with { Model = null, Signal = BuiltInSignals.Find("momentum")!.CanonicalJson() };
        var directVersions = BacktestRunner.CurrentVersions(fixture.Layout, direct, ct);
        Assert.DoesNotContain(directVersions.Keys, SignalModels.IsPin);
        Assert.Equal(momentum.Metrics, ResultDocuments.Serialize(BacktestRunner.Run(fixture.Layout, direct, directVersions, cancellationToken: ct).Metrics));
        Assert.Contains(";signal=" + BuiltInSignals.Find("momentum")!.Sha256, direct.Canonical(), StringComparison.Ordinal);

        await registry.PromoteAsync(Name, 2, [], "ops", "low vol instead", ct);
        var lowVol = RunNow();
        Assert.StartsWith("v2 sha256:", lowVol.Pin, StringComparison.Ordinal);
        Assert.NotEqual(momentum.Metrics, lowVol.Metrics);
        Assert.NotEqual(momentum.JobId, lowVol.JobId);

        await registry.RollbackAsync(Name, "ops", "back", ct);
        var back = RunNow();
        Assert.Equal(momentum, back);

        // The same through the cluster: the job pins v1 and its result is the in-process run's.
        await using (var cluster = await BacktestCluster.StartAsync(1, fixture.Layout, fixture.Scratch("alpha"), new BacktestJobOptions()))
        {
            var scheduler = cluster.Client.GetGrain<IBacktestSchedulerGrain>(IBacktestSchedulerGrain.Key);
            var submitted = await scheduler.SubmitAsync(new JobSubmission(new BacktestJobSpec(BacktestRequest.AlphaStrategy, From: From, Model: Name), null, JobPriority.Normal, "alice"));
            Assert.Equal(momentum.JobId, submitted.JobId);
            var done = await BacktestCluster.WaitAsync(cluster.Client.GetGrain<IBacktestJobGrain>(submitted.JobId));
            Assert.True(done.State == JobState.Succeeded, done.Error);
            var result = (await cluster.Client.GetGrain<IBacktestJobGrain>(submitted.JobId).GetResultAsync())!;
            Assert.Equal(momentum.Metrics, result.MetricsJson);
            Assert.Equal(momentum.Pin, result.DataVersions[SignalModels.PinKey(Name)]);
        }

        // A changed artifact: refused when pinning a new run and when a job pinned before the change runs.
        var pinned = BacktestRunner.CurrentVersions(fixture.Layout, request, ct);
        var artifact = Path.Combine(fixture.Layout.Root, "models", Name, "v1", SignalModels.DefinitionFile);
        await File.WriteAllTextAsync(artifact, (await File.ReadAllTextAsync(artifact, ct)).Replace("momentum_12_1", "low_vol", StringComparison.Ordinal), ct);
        var refused = Assert.Throws<ModelIntegrityException>(() => BacktestRunner.CurrentVersions(fixture.Layout, request, ct));
        Assert.Contains($"v1/{SignalModels.DefinitionFile} has SHA-256", refused.Message, StringComparison.Ordinal);
        Assert.Contains("refusing to load bt-alpha v1", refused.Message, StringComparison.Ordinal);
        Assert.Throws<ModelIntegrityException>(() => BacktestRunner.Run(fixture.Layout, request, pinned, cancellationToken: ct));

        // A pin the registry does not record (registry.json rewritten after submission) is refused as well.
        var forged = new Dictionary<string, string>(pinned) { [SignalModels.PinKey(Name)] = "v1 sha256:" + new string('0', 64) };
        var mismatch = Assert.Throws<ModelIntegrityException>(() => BacktestRunner.Run(fixture.Layout, request, forged, cancellationToken: ct));
        Assert.Contains("the registry was changed after the job was submitted", mismatch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_alpha_strategy_needs_a_model_name_and_the_others_take_none()
    {
        Assert.Contains("give its name", Assert.Throws<ArgumentException>(() => new BacktestRequest { Strategy = "alpha" }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("must be lower-case", Assert.Throws<ArgumentException>(() => new BacktestRequest { Strategy = "alpha", Model = "../etc" }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("only the alpha strategy takes a model", Assert.Throws<ArgumentException>(() => new BacktestRequest { Strategy = "momentum", Model = "x" }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => new BacktestRequest { Strategy = "alpha", Model = "m1", Signal = BuiltInSignals.Find("momentum")!.CanonicalJson() }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("unknown descriptor", Assert.Throws<ArgumentException>(() => new BacktestRequest { Strategy = "alpha", Signal = """{"name":"x","terms":[{"descriptor":"nope"}]}""" }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains(";model=m1", new BacktestRequest { Strategy = "alpha", Model = "m1" }.Canonical(), StringComparison.Ordinal);
        Assert.DoesNotContain("model", new BacktestRequest { Strategy = "momentum" }.Canonical(), StringComparison.Ordinal);
    }
}
