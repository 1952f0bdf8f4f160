using Research.Analytics.Alpha.Signals;
using Research.Backtesting.Overfitting;
using Research.Platform.Storage.Alpha;
using Research.Platform.Storage.Relational;
using Research.Testing;

namespace Research.Platform.Storage.Tests.Alpha;

/// <summary>Stored signal definitions never change meaning; the trial ledger keeps every evaluation; both stores agree.</summary>
public sealed class AlphaLedgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 30, 12, 0, 0, TimeSpan.Zero);

    private static SignalDefinition Spec(int version, double weight) => SignalDefinition.Parse(
        $$"""{"name":"value_momentum","version":{{version}},"terms":[{"descriptor":"book_to_price","weight":{{weight}},"transforms":["zscore"]},{"descriptor":"momentum_12_1","transforms":["rank"]}],"post":["neutralize:industry"]}""", "test");

    private static SignalTrial Trial(string key, string question, double p, double sharpe, DateTimeOffset at) =>
        new(key, question, "value_momentum@v1", "abc", "{}", "{\"horizons\":[1]}", new DateOnly(2023, 1, 3), new DateOnly(2024, 12, 31), "crsp", "{\"crsp/daily\":\"v1\"}", "[]",
            p, sharpe, 1, 500, -0.1, 4.2, "alice", at);

    private static async Task<(AlphaLedger Ledger, IAsyncDisposable? Database)> OpenAsync(string store, string folder, CancellationToken ct)
    {
        if (store == "sqlite")
        {
            return (AlphaLedger.Sqlite(folder), null);
        }

        var database = await PostgresDatabase.CreateAsync();
        await new PostgresMigrator(database.ConnectionString, TimeProvider.System).MigrateAsync(ct);
        return (AlphaLedger.Postgres(database.ConnectionString), database);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_stored_version_keeps_its_meaning_and_the_ledger_keeps_every_evaluation(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("alpha-ledger");
        var (ledger, database) = await OpenAsync(store, dir.Path, ct);
        await using var _ = database;

        Assert.Equal(SignalStoreOutcome.Stored, await ledger.DefineAsync(Spec(1, 0.5), "alice", Now, ct));
        Assert.Equal(SignalStoreOutcome.Unchanged, await ledger.DefineAsync(Spec(1, 0.5), "bob", Now.AddHours(1), ct));
        var changed = await Assert.ThrowsAsync<InvalidOperationException>(() => ledger.DefineAsync(Spec(1, 0.6), "bob", Now, ct));
        Assert.Contains("value_momentum@v1 is already stored with another definition", changed.Message, StringComparison.Ordinal);
        Assert.Contains("give it version 2", changed.Message, StringComparison.Ordinal);
        Assert.Equal(SignalStoreOutcome.Stored, await ledger.DefineAsync(Spec(2, 0.6), "bob", Now, ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => ledger.DefineAsync(SignalDefinition.Parse("""{"name":"momentum","terms":[{"descriptor":"momentum_12_1"}]}""", "t"), "eve", Now, ct));

        var latest = (await ledger.GetSignalAsync("value_momentum", null, ct))!;
        Assert.Equal(2, latest.Definition.Version);
        Assert.Equal(Spec(2, 0.6).Sha256, latest.Definition.Sha256);
        var first = (await ledger.GetSignalAsync("value_momentum", 1, ct))!;
        Assert.Equal(("alice", Now), (first.CreatedBy, first.CreatedAt));
        Assert.Equal(Spec(1, 0.5).CanonicalJson(), first.Definition.CanonicalJson());
        Assert.Null(await ledger.GetSignalAsync("value_momentum", 3, ct));
        Assert.Equal(["value_momentum@v1", "value_momentum@v2"], (await ledger.ListSignalsAsync(ct)).Select(s => s.Definition.Id));

        await ledger.RecordTrialAsync(Trial("k1", "q", 0.01, 0.05, Now), ct);
        await ledger.RecordTrialAsync(Trial("k1", "q", 0.01, 0.05, Now.AddMinutes(1)), ct); // the same evaluation again
        await ledger.RecordTrialAsync(Trial("k2", "q", 0.04, 0.02, Now.AddMinutes(2)), ct);
        await ledger.RecordTrialAsync(Trial("k3", "other", 0.5, 0.0, Now.AddMinutes(3)), ct);
        var rows = await ledger.TrialsAsync("q", ct);
        Assert.Equal(["k1", "k1", "k2"], rows.Select(r => r.TrialKey));
        Assert.Equal(Trial("k2", "q", 0.04, 0.02, Now.AddMinutes(2)), rows[2]);
        Assert.Equal(4, (await ledger.TrialsAsync(null, ct)).Count);
    }
}
