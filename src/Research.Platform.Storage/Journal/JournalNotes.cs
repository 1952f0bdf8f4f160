using System.Data.Common;
using System.Text.Json;
using Research.Platform.Storage.Relational;

namespace Research.Platform.Storage.Journal;

/// <summary>A trade's tags and note, who last changed them and when.</summary>
public sealed record JournalNote(string TradeKey, string Source, IReadOnlyList<string> Tags, string Note, string UpdatedBy, DateTimeOffset UpdatedAt);

/// <summary>
/// Tags and notes of journal trades in the relational store: PostgreSQL in Production (migration
/// <c>0012_journal_notes.sql</c>), SQLite when embedded (<c>&lt;data root&gt;/research/journal.db</c>). A note with no
/// tags and no text is deleted. The journal grain is the one writer and audits each change.
/// </summary>
public sealed class JournalNotes
{
    private const string SqliteSchema = """
        CREATE TABLE IF NOT EXISTS journal_notes (trade_key TEXT NOT NULL PRIMARY KEY, source TEXT NOT NULL, tags TEXT NOT NULL, note TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at_ms INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_journal_notes_source ON journal_notes (source);
        """;

    private readonly RelationalStore _store;

    private JournalNotes(RelationalStore store) => _store = store;

    public static JournalNotes Open(string? postgresConnectionString, string dataRoot) =>
        new(postgresConnectionString is { Length: > 0 } pg ? RelationalStore.Postgres(pg) : RelationalStore.Sqlite(Path.Combine(dataRoot, "research", "journal.db"), SqliteSchema));

    /// <summary>Every note of a source (a backtest or an account), by trade key.</summary>
    public async Task<IReadOnlyDictionary<string, JournalNote>> ForSourceAsync(string source, CancellationToken cancellationToken = default)
    {
        var notes = new Dictionary<string, JournalNote>(StringComparer.Ordinal);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT trade_key, source, tags, note, updated_by, updated_at_ms FROM journal_notes WHERE source = @source";
        RelationalStore.Add(command, "source", source);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var note = Read(reader);
            notes[note.TradeKey] = note;
        }

        return notes;
    }

    /// <summary>Stores a trade's tags and note (replacing what was there); nothing left of either deletes the row. Returns the stored note, or null when deleted.</summary>
    public async Task<JournalNote?> PutAsync(string tradeKey, string source, IReadOnlyList<string> tags, string note, string by, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        if (tags.Count == 0 && string.IsNullOrWhiteSpace(note))
        {
            command.CommandText = "DELETE FROM journal_notes WHERE trade_key = @key";
            RelationalStore.Add(command, "key", tradeKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }

        command.CommandText = """
            INSERT INTO journal_notes (trade_key, source, tags, note, updated_by, updated_at_ms) VALUES (@key, @source, @tags, @note, @by, @at)
            ON CONFLICT (trade_key) DO UPDATE SET source = excluded.source, tags = excluded.tags, note = excluded.note, updated_by = excluded.updated_by, updated_at_ms = excluded.updated_at_ms
            """;
        RelationalStore.Add(command, "key", tradeKey);
        RelationalStore.Add(command, "source", source);
        RelationalStore.Add(command, "tags", JsonSerializer.Serialize(tags));
        RelationalStore.Add(command, "note", note);
        RelationalStore.Add(command, "by", by);
        RelationalStore.Add(command, "at", at.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new JournalNote(tradeKey, source, tags, note, by, at);
    }

    private static JournalNote Read(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), JsonSerializer.Deserialize<string[]>(r.GetString(2)) ?? [], r.GetString(3), r.GetString(4), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)));
}
