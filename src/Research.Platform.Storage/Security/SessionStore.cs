using System.Data.Common;
using Research.Platform.Storage.Relational;

namespace Research.Platform.Storage.Security;

/// <summary>One signed-in browser session as the server keeps it (the cookie only carries <see cref="Id"/>).</summary>
public sealed record SessionRecord(
    string Id,
    string UserId,
    string UserName,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset ExpiresAt,
    string Remote,
    string UserAgent,
    DateTimeOffset? EndedAt = null,
    string? EndReason = null)
{
    public bool Ended => EndedAt is not null;
}

/// <summary>How long a session lives: <see cref="Idle"/> without a request, <see cref="Absolute"/> after sign-in at most.</summary>
public sealed record SessionPolicy(TimeSpan Idle, TimeSpan Absolute)
{
    public static SessionPolicy Default { get; } = new(TimeSpan.FromMinutes(30), TimeSpan.FromHours(12));

    /// <summary>Why <paramref name="session"/> is no longer valid at <paramref name="now"/>, or null when it is.</summary>
    public string? Invalid(SessionRecord session, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Ended)
        {
            return session.EndReason ?? "ended";
        }

        if (now >= session.ExpiresAt)
        {
            return $"absolute timeout ({Absolute.TotalHours:0.#} h after sign-in)";
        }

        return now - session.LastSeenAt >= Idle ? $"idle timeout ({Idle.TotalMinutes:0} min without a request)" : null;
    }
}

/// <summary>
/// Server-side sessions (SQLite <c>&lt;DataRoot&gt;/security/users.db</c>, PostgreSQL migration <c>0008</c>): the
/// console's cookie carries only the session id; the authentication ticket lives here, so a session can be listed,
/// revoked (refused on its next request) and timed out (idle and absolute) by the server, not by the browser.
/// Ended sessions stay as rows (when, why) until <see cref="PurgeAsync"/>.
/// </summary>
public sealed class SessionStore
{
    internal const string SqliteSchema = """
        CREATE TABLE IF NOT EXISTS research_sessions (
            id TEXT NOT NULL PRIMARY KEY, user_id TEXT NOT NULL, user_name TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
            last_seen_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL, remote TEXT NOT NULL, user_agent TEXT NOT NULL,
            ticket BLOB NOT NULL, ended_at_ms INTEGER NULL, end_reason TEXT NULL);
        CREATE INDEX IF NOT EXISTS research_sessions_user ON research_sessions (user_id, created_at_ms);
        """;

    private const string Columns = "id, user_id, user_name, created_at_ms, last_seen_ms, expires_at_ms, remote, user_agent, ended_at_ms, end_reason";

    private readonly RelationalStore _store;

    internal SessionStore(RelationalStore store) => _store = store;

    public async Task CreateAsync(SessionRecord session, byte[] ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(ticket);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO research_sessions ({Columns}, ticket) VALUES (@id, @user_id, @user_name, @created, @seen, @expires, @remote, @agent, NULL, NULL, @ticket)";
        RelationalStore.Add(command, "id", session.Id);
        RelationalStore.Add(command, "user_id", session.UserId);
        RelationalStore.Add(command, "user_name", session.UserName);
        RelationalStore.Add(command, "created", session.CreatedAt.ToUnixTimeMilliseconds());
        RelationalStore.Add(command, "seen", session.LastSeenAt.ToUnixTimeMilliseconds());
        RelationalStore.Add(command, "expires", session.ExpiresAt.ToUnixTimeMilliseconds());
        RelationalStore.Add(command, "remote", Clip(session.Remote, 64));
        RelationalStore.Add(command, "agent", Clip(session.UserAgent, 256));
        RelationalStore.Add(command, "ticket", ticket);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The session and its ticket, ended or not; null when there is no such session.</summary>
    public async Task<(SessionRecord Session, byte[] Ticket)?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns}, ticket FROM research_sessions WHERE id = @id";
        RelationalStore.Add(command, "id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return (Read(reader), (byte[])reader.GetValue(10));
    }

    /// <summary>Records a request at <paramref name="at"/> (and, when given, the renewed ticket) on a live session.</summary>
    public async Task TouchAsync(string id, DateTimeOffset at, byte[]? ticket = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = ticket is null
            ? "UPDATE research_sessions SET last_seen_ms = @seen WHERE id = @id AND ended_at_ms IS NULL"
            : "UPDATE research_sessions SET last_seen_ms = @seen, ticket = @ticket WHERE id = @id AND ended_at_ms IS NULL";
        RelationalStore.Add(command, "id", id);
        RelationalStore.Add(command, "seen", at.ToUnixTimeMilliseconds());
        if (ticket is not null)
        {
            RelationalStore.Add(command, "ticket", ticket);
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends a live session (sign-out, revoke, timeout); false when it was already ended or does not exist.</summary>
    public async Task<bool> EndAsync(string id, DateTimeOffset at, string reason, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE research_sessions SET ended_at_ms = @at, end_reason = @reason WHERE id = @id AND ended_at_ms IS NULL";
        RelationalStore.Add(command, "id", id);
        RelationalStore.Add(command, "at", at.ToUnixTimeMilliseconds());
        RelationalStore.Add(command, "reason", Clip(reason, 200));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Ends every live session of a user (disable, password change, role change), except <paramref name="keep"/>; returns how many.</summary>
    public async Task<int> EndAllAsync(string userId, DateTimeOffset at, string reason, string? keep = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE research_sessions SET ended_at_ms = @at, end_reason = @reason WHERE user_id = @user AND ended_at_ms IS NULL AND id <> @keep";
        RelationalStore.Add(command, "user", userId);
        RelationalStore.Add(command, "at", at.ToUnixTimeMilliseconds());
        RelationalStore.Add(command, "reason", Clip(reason, 200));
        RelationalStore.Add(command, "keep", keep ?? string.Empty);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sessions newest first: of one user, or everyone's (null); live only unless <paramref name="includeEnded"/>.</summary>
    public async Task<IReadOnlyList<SessionRecord>> ListAsync(string? userId, bool includeEnded = false, int limit = 100, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        var where = new List<string>();
        if (userId is not null)
        {
            where.Add("user_id = @user");
            RelationalStore.Add(command, "user", userId);
        }

        if (!includeEnded)
        {
            where.Add("ended_at_ms IS NULL");
        }

        command.CommandText = $"SELECT {Columns} FROM research_sessions {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : string.Empty)} ORDER BY created_at_ms DESC LIMIT @limit";
        RelationalStore.Add(command, "limit", Math.Clamp(limit, 1, 10_000));
        var rows = new List<SessionRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    /// <summary>Deletes sessions that ended (or expired) before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM research_sessions WHERE (ended_at_ms IS NOT NULL AND ended_at_ms < @before) OR expires_at_ms < @before";
        RelationalStore.Add(command, "before", before.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Clip(string? text, int max) => text is null ? string.Empty : text.Length <= max ? text : text[..max];

    private static SessionRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        r.GetString(6), r.GetString(7),
        r.IsDBNull(8) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)), r.IsDBNull(9) ? null : r.GetString(9));
}
