using System.Text;
using Microsoft.Extensions.Time.Testing;
using Research.Data.Registry;
using Research.Testing;

namespace Research.Data.Tests.Registry;

/// <summary>Register, gate, promote, load, roll back; a changed artifact or manifest is refused by name.</summary>
public sealed class ModelRegistryTests : IDisposable
{
    private readonly TempDirectory _dir = TestEnvironment.CreateTempDirectory("models");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private static Task<ModelManifest> RegisterAsync(ModelRegistry registry, string weights, double oosIc, bool coverageOk = true) =>
        registry.RegisterAsync("value_mom", "signal-model", "value and momentum", new Dictionary<string, byte[]>
        {
            ["signal.json"] = Encoding.UTF8.GetBytes("""{"name":"value_momentum","version":1}"""),
            ["weights.json"] = Encoding.UTF8.GetBytes(weights),
        }, new DateOnly(2015, 1, 2), new DateOnly(2021, 12, 31), new Dictionary<string, string> { ["crsp/daily"] = "v1" },
            new Dictionary<string, double> { ["oos_rank_ic"] = oosIc }, new Dictionary<string, bool> { ["coverage"] = coverageOk }, "alice", TestContext.Current.CancellationToken);

    [Fact]
    public async Task The_promoted_version_is_the_one_loaded_and_rollback_restores_the_one_before()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = new ModelRegistry(_dir.Path, _clock);
        var v1 = await RegisterAsync(registry, "[0.5,0.5]", 0.02);
        Assert.Equal(1, v1.Version);
        Assert.Equal(["signal.json", "weights.json"], v1.Files.Select(f => f.Path));
        Assert.StartsWith("1.0.0", v1.CodeVersion, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => registry.LoadProductionAsync("value_mom", ct));

        var gate = new[] { new PromotionGate("oos_rank_ic", 0.01) };
        await registry.PromoteAsync("value_mom", 1, gate, "olga", "first", ct);
        var v2 = await RegisterAsync(registry, "[0.7,0.3]", 0.015);
        Assert.Equal(2, v2.Version);
        Assert.Equal(1, (await registry.LoadProductionAsync("value_mom", ct)).Manifest.Version); // staged is not production

        var state = await registry.PromoteAsync("value_mom", 2, gate, "olga", "better weights", ct);
        Assert.Equal(2, state.Production);
        Assert.Equal([1], state.Archived);
        var loaded = await registry.LoadProductionAsync("value_mom", ct);
        Assert.Equal("[0.7,0.3]", await File.ReadAllTextAsync(loaded.PathOf("weights.json"), ct));

        state = await registry.RollbackAsync("value_mom", "olga", "v2 misbehaved", ct);
        Assert.Equal(1, state.Production);
        Assert.Equal([2], state.Archived);
        Assert.Equal("[0.5,0.5]", await File.ReadAllTextAsync((await registry.LoadProductionAsync("value_mom", ct)).PathOf("weights.json"), ct));
        Assert.Equal(["register", "promote", "register", "promote", "rollback"], state.History.Select(e => e.Action));
        Assert.Equal(("olga", "v2 misbehaved", 2), (state.History[^1].By, state.History[^1].Reason, state.History[^1].PreviousProduction));
        var rollbackAgain = await Assert.ThrowsAsync<InvalidOperationException>(() => registry.RollbackAsync("value_mom", "olga", null, ct));
        Assert.Contains("v1 has no earlier production version", rollbackAgain.Message, StringComparison.Ordinal);

        // A fresh registry object over the same folder sees the same state (nothing is held in memory).
        Assert.Equal(1, (await new ModelRegistry(_dir.Path, _clock).StateAsync("value_mom", ct))!.Production);
    }

    [Fact]
    public async Task Gates_and_failed_checks_refuse_a_promotion_naming_what_failed()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = new ModelRegistry(_dir.Path, _clock);
        await RegisterAsync(registry, "[1]", 0.004, coverageOk: false);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => registry.PromoteAsync("value_mom", 1, [new PromotionGate("oos_rank_ic", 0.01), new PromotionGate("sharpe", 1)], "olga", null, ct));
        Assert.Equal("value_mom v1 cannot be promoted: check 'coverage' did not pass; oos_rank_ic = 0.004 is below the gate's 0.01; the manifest has no metric 'sharpe' (it has oos_rank_ic).", e.Message);
        Assert.Null((await registry.StateAsync("value_mom", ct))!.Production);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => registry.PromoteAsync("value_mom", 7, [], "olga", null, ct));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => registry.LoadProductionAsync("nothing", ct));
        await Assert.ThrowsAsync<ArgumentException>(() => registry.StateAsync("../etc", ct));
    }

    [Fact]
    public async Task A_modified_artifact_or_manifest_is_refused_with_the_file_named()
    {
        var ct = TestContext.Current.CancellationToken;
        var registry = new ModelRegistry(_dir.Path, _clock);
        await RegisterAsync(registry, "[0.5,0.5]", 0.02);
        await registry.PromoteAsync("value_mom", 1, [], "olga", null, ct);
        var weights = Path.Combine(_dir.Path, "models", "value_mom", "v1", "weights.json");
        await File.WriteAllTextAsync(weights, "[0.9,0.1]", ct);
        var e = await Assert.ThrowsAsync<ModelIntegrityException>(() => registry.LoadProductionAsync("value_mom", ct));
        Assert.StartsWith("models/value_mom/v1/weights.json has SHA-256 ", e.Message, StringComparison.Ordinal);
        Assert.Contains("the artifact was changed after registration; refusing to load value_mom v1", e.Message, StringComparison.Ordinal);
        await File.WriteAllTextAsync(weights, "[0.5,0.5]", ct);
        Assert.Equal(1, (await registry.LoadProductionAsync("value_mom", ct)).Manifest.Version);

        // Changing the manifest to match a changed file does not help: the registry holds the manifest's hash.
        var manifest = Path.Combine(_dir.Path, "models", "value_mom", "v1", "manifest.json");
        await File.WriteAllTextAsync(manifest, (await File.ReadAllTextAsync(manifest, ct)).Replace("\"oos_rank_ic\": 0.02", "\"oos_rank_ic\": 0.2", StringComparison.Ordinal), ct);
        var m = await Assert.ThrowsAsync<ModelIntegrityException>(() => registry.LoadProductionAsync("value_mom", ct));
        Assert.StartsWith("models/value_mom/v1/manifest.json has SHA-256 ", m.Message, StringComparison.Ordinal);
        // Nor can a rollback return to it: the version rolled back to is checked first.
        await RegisterAsync(registry, "[0.6,0.4]", 0.02);
        await registry.PromoteAsync("value_mom", 2, [], "olga", null, ct);
        await Assert.ThrowsAsync<ModelIntegrityException>(() => registry.RollbackAsync("value_mom", "olga", null, ct));
        Assert.Equal(2, (await registry.StateAsync("value_mom", ct))!.Production);
    }
}
