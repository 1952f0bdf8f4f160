using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Research.Platform.Storage.Relational;

namespace Research.Platform.Storage.Security;

/// <summary>An API key as stored: never the secret, only its SHA-256.</summary>
public sealed record ApiKeyRecord(
    string Id,
    string UserId,
    string Name,
    IReadOnlyList<string> Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt)
{
    public bool IsLive(DateTimeOffset now) => RevokedAt is null && now < ExpiresAt;
}

/// <summary>
/// API keys for programmatic access (SQLite <c>&lt;DataRoot&gt;/security/users.db</c>, PostgreSQL migration
/// <c>0008</c>). A key is <c>rk_&lt;id&gt;_&lt;secret&gt;</c> with a 256-bit random secret shown once at creation; the
/// store keeps its SHA-256 (a fast hash is enough for a secret of that entropy), a name, scopes (action ids), an expiry
/// and a revocation time. What a key may do is its scopes intersected with its owner's role at the time of use.
/// </summary>
public sealed class ApiKeyStore
{
    public const string Prefix = "rk_";
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(365);

    internal const string SqliteSchema = """
        CREATE TABLE IF NOT EXISTS research_api_keys (
            id TEXT NOT NULL PRIMARY KEY, user_id TEXT NOT NULL, name TEXT NOT NULL, scopes TEXT NOT NULL,
            secret_sha256 TEXT NOT NULL, created_at_ms INTEGER NOT NULL, expires_at_ms INTEGER NOT NULL,
            revoked_at_ms INTEGER NULL, last_used_ms INTEGER NULL);
        CREATE INDEX IF NOT EXISTS research_api_keys_user ON research_api_keys (user_id);
        """;

    private const string Columns = "id, user_id, name, scopes, created_at_ms, expires_at_ms, revoked_at_ms, last_used_ms, secret_sha256";

    private readonly RelationalStore _store;

    internal ApiKeyStore(RelationalStore store) => _store = store;

    /// <summary>Creates a key; returns the record and the key text, which is not stored and cannot be shown again.</summary>
    public async Task<(ApiKeyRecord Key, string Secret)> CreateAsync(string userId, string name, IReadOnlyList<string> scopes, DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        name = name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > 80)
        {
            throw new ArgumentException("API key name: 1 to 80 characters.", nameof(name));
        }

        if (scopes is null || scopes.Count == 0)
        {
            throw new ArgumentException("API key scopes: at least one action.", nameof(scopes));
        }

        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), $"API key lifetime: more than zero and at most {MaxLifetime.TotalDays:0} days.");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var record = new ApiKeyRecord(id, userId, name, [.. scopes.Distinct(StringComparer.Ordinal)], now, now + lifetime, null, null);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO research_api_keys ({Columns}) VALUES (@id, @user, @name, @scopes, @created, @expires, NULL, NULL, @hash)";
        RelationalStore.Add(command, "id", id);
        RelationalStore.Add(command, "user", userId);
        RelationalStore.Add(command, "name", name);
        RelationalStore.Add(command, "scopes", string.Join(' ', record.Scopes));
        RelationalStore.Add(command, "created", now.ToUnixTimeMilliseconds());
        RelationalStore.Add(command, "expires", record.ExpiresAt.ToUnixTimeMilliseconds());
        RelationalStore.Add(command, "hash", Hash(secret));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return (record, $"{Prefix}{id}_{secret}");
    }

    /// <summary>The live key <paramref name="presented"/> names, when its secret matches; records its use. Null otherwise (no reason is given to the caller).</summary>
    public async Task<ApiKeyRecord?> VerifyAsync(string? presented, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (presented is null || !presented.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = presented[Prefix.Length..].Split('_');
        if (parts.Length != 2 || parts[0].Length != 16 || parts[1].Length != 64)
        {
            return null;
        }

        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        ApiKeyRecord key;
        string stored;
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"SELECT {Columns} FROM research_api_keys WHERE id = @id";
            RelationalStore.Add(command, "id", parts[0]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            key = Read(reader);
            stored = reader.GetString(8);
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(Hash(parts[1]))) || !key.IsLive(now))
        {
            return null;
        }

        await using (var touch = connection.CreateCommand())
        {
            touch.CommandText = "UPDATE research_api_keys SET last_used_ms = @at WHERE id = @id";
            RelationalStore.Add(touch, "id", key.Id);
            RelationalStore.Add(touch, "at", now.ToUnixTimeMilliseconds());
            await touch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return key with { LastUsedAt = now };
    }

    /// <summary>Keys of one user (or everyone's when null), newest first, revoked and expired included.</summary>
    public async Task<IReadOnlyList<ApiKeyRecord>> ListAsync(string? userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM research_api_keys {(userId is null ? string.Empty : "WHERE user_id = @user")} ORDER BY created_at_ms DESC";
        if (userId is not null)
        {
            RelationalStore.Add(command, "user", userId);
        }

        var keys = new List<ApiKeyRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(Read(reader));
        }

        return keys;
    }

    /// <summary>Revokes one key (of <paramref name="userId"/> when given); false when there was no live key to revoke.</summary>
    public async Task<bool> RevokeAsync(string id, string? userId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE research_api_keys SET revoked_at_ms = @at WHERE id = @id AND revoked_at_ms IS NULL {(userId is null ? string.Empty : "AND user_id = @user")}";
        RelationalStore.Add(command, "id", id);
        RelationalStore.Add(command, "at", at.ToUnixTimeMilliseconds());
        if (userId is not null)
        {
            RelationalStore.Add(command, "user", userId);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Revokes every live key of a user (disabled user); returns how many.</summary>
    public async Task<int> RevokeAllAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE research_api_keys SET revoked_at_ms = @at WHERE user_id = @user AND revoked_at_ms IS NULL";
        RelationalStore.Add(command, "user", userId);
        RelationalStore.Add(command, "at", at.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(secret)));

    private static ApiKeyRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3).Split(' ', StringSplitOptions.RemoveEmptyEntries),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        r.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)), r.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(7)));
}
