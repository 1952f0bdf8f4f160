using Research.Platform.Storage.Journal;
using Research.Platform.Storage.Relational;
using Research.Testing;

namespace Research.Platform.Storage.Tests.Journal;

/// <summary>Tags and notes of journal trades: stored, replaced, removed, kept per source; SQLite and PostgreSQL agree.</summary>
public sealed class JournalNotesTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 30, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_note_is_stored_replaced_and_removed_and_stays_with_its_source(string store)
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = TestEnvironment.CreateTempDirectory("journal-notes");
        PostgresDatabase? database = null;
        if (store == "postgres")
        {
            database = await PostgresDatabase.CreateAsync();
            await new PostgresMigrator(database.ConnectionString, TimeProvider.System).MigrateAsync(ct);
        }

        await using var _ = database;
        var notes = JournalNotes.Open(database?.ConnectionString, dir.Path);
        await notes.PutAsync("bt-1:20240105:10001", "backtest:bt-1", ["review", "late"], "entered a day late", "alice", Now, ct);
        await notes.PutAsync("desk:7", "account:desk", ["fomc"], string.Empty, "bob", Now, ct);
        var stored = (await notes.ForSourceAsync("backtest:bt-1", ct)).Values.Single();
        Assert.Equal(("bt-1:20240105:10001", "entered a day late", "alice", Now), (stored.TradeKey, stored.Note, stored.UpdatedBy, stored.UpdatedAt));
        Assert.Equal(["review", "late"], stored.Tags);

        var replaced = await notes.PutAsync("bt-1:20240105:10001", "backtest:bt-1", ["review"], "checked: the data lag", "carol", Now.AddHours(1), ct);
        Assert.Equal("carol", (await notes.ForSourceAsync("backtest:bt-1", ct))["bt-1:20240105:10001"].UpdatedBy);
        Assert.Equal(["review"], replaced!.Tags);
        Assert.Null(await notes.PutAsync("bt-1:20240105:10001", "backtest:bt-1", [], "  ", "carol", Now, ct));
        Assert.Empty(await notes.ForSourceAsync("backtest:bt-1", ct));
        Assert.Equal(["fomc"], (await notes.ForSourceAsync("account:desk", ct))["desk:7"].Tags);
    }
}
