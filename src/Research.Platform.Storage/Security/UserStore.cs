using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Research.Platform.Storage.Relational;

namespace Research.Platform.Storage.Security;

/// <summary>
/// ASP.NET Core Identity's user store over the platform's relational store (SQLite embedded, PostgreSQL through
/// migration <c>0007_users.sql</c>): users with password hash, security stamp, lockout, TOTP key, hashed recovery codes
/// and roles. Identity does the cryptography and the rules (password hashing, lockout counting, TOTP); this class only
/// keeps the rows. Updates check the concurrency stamp, so two admins editing the same user cannot silently overwrite
/// each other.
/// </summary>
public sealed class UserStore :
    IUserPasswordStore<ResearchUser>,
    IUserSecurityStampStore<ResearchUser>,
    IUserLockoutStore<ResearchUser>,
    IUserRoleStore<ResearchUser>,
    IUserTwoFactorStore<ResearchUser>,
    IUserAuthenticatorKeyStore<ResearchUser>,
    IUserTwoFactorRecoveryCodeStore<ResearchUser>
{
    /// <summary>The roles of the platform, least to most privileged.</summary>
    public static IReadOnlyList<string> Roles { get; } = ["viewer", "researcher", "operator", "admin"];

    private const string SqliteSchema = """
        CREATE TABLE IF NOT EXISTS research_users (
            id TEXT NOT NULL PRIMARY KEY, user_name TEXT NOT NULL, normalized_user_name TEXT NOT NULL UNIQUE,
            password_hash TEXT NULL, security_stamp TEXT NOT NULL, concurrency_stamp TEXT NOT NULL,
            lockout_end_ms INTEGER NULL, lockout_enabled INTEGER NOT NULL, access_failed_count INTEGER NOT NULL,
            two_factor_enabled INTEGER NOT NULL, authenticator_key TEXT NULL, recovery_codes TEXT NOT NULL,
            disabled INTEGER NOT NULL, must_change_password INTEGER NOT NULL, created_at_ms INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS research_user_roles (
            user_id TEXT NOT NULL REFERENCES research_users (id) ON DELETE CASCADE, role TEXT NOT NULL,
            PRIMARY KEY (user_id, role));
        CREATE TABLE IF NOT EXISTS research_user_grants (
            user_id TEXT NOT NULL REFERENCES research_users (id) ON DELETE CASCADE, strategy TEXT NOT NULL,
            PRIMARY KEY (user_id, strategy));
        CREATE TABLE IF NOT EXISTS research_totp_steps (
            user_id TEXT NOT NULL PRIMARY KEY REFERENCES research_users (id) ON DELETE CASCADE, last_step INTEGER NOT NULL);
        """;

    private const string Columns = "id, user_name, normalized_user_name, password_hash, security_stamp, concurrency_stamp, lockout_end_ms, lockout_enabled, access_failed_count, two_factor_enabled, authenticator_key, recovery_codes, disabled, must_change_password, created_at_ms";

    private readonly RelationalStore _store;

    private UserStore(RelationalStore store) => _store = store;

    /// <summary>
    /// Records that the user's authenticator code of time step <paramref name="step"/> was used, if that step is later
    /// than the last one recorded; false (nothing changed) when it is not. One statement, so two requests racing with the
    /// same code cannot both succeed.
    /// </summary>
    public async Task<bool> TryUseTotpStepAsync(string userId, long step, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO research_totp_steps (user_id, last_step) VALUES (@id, @step)
            ON CONFLICT (user_id) DO UPDATE SET last_step = excluded.last_step WHERE research_totp_steps.last_step < excluded.last_step
            """;
        RelationalStore.Add(command, "id", userId);
        RelationalStore.Add(command, "step", step);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    public static UserStore Sqlite(string path) => new(RelationalStore.Sqlite(path, SqliteSchema));

    public static UserStore Postgres(string connectionString) => new(RelationalStore.Postgres(connectionString));

    public void Dispose()
    {
    }

    public async Task<IdentityResult> CreateAsync(ResearchUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO research_users ({Columns}) VALUES (@id, @user_name, @normalized_user_name, @password_hash, @security_stamp, @concurrency_stamp, @lockout_end_ms, @lockout_enabled, @access_failed_count, @two_factor_enabled, @authenticator_key, @recovery_codes, @disabled, @must_change_password, @created_at_ms) ON CONFLICT DO NOTHING";
        Bind(command, user);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = "DuplicateUserName", Description = $"User name '{user.UserName}' is already taken." });
    }

    public async Task<IdentityResult> UpdateAsync(ResearchUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var expected = user.ConcurrencyStamp;
        user.ConcurrencyStamp = Guid.NewGuid().ToString("N");
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            UPDATE research_users SET user_name = @user_name, normalized_user_name = @normalized_user_name, password_hash = @password_hash,
                security_stamp = @security_stamp, concurrency_stamp = @concurrency_stamp, lockout_end_ms = @lockout_end_ms,
                lockout_enabled = @lockout_enabled, access_failed_count = @access_failed_count, two_factor_enabled = @two_factor_enabled,
                authenticator_key = @authenticator_key, recovery_codes = @recovery_codes, disabled = @disabled, must_change_password = @must_change_password
            WHERE id = @id AND concurrency_stamp = @expected
            """;
        Bind(command, user);
        RelationalStore.Add(command, "expected", expected);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            return IdentityResult.Success;
        }

        user.ConcurrencyStamp = expected;
        return IdentityResult.Failed(new IdentityError { Code = "ConcurrencyFailure", Description = $"User '{user.UserName}' was changed by someone else meanwhile; reload and try again." });
    }

    public async Task<IdentityResult> DeleteAsync(ResearchUser user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM research_user_grants WHERE user_id = @id; DELETE FROM research_user_roles WHERE user_id = @id; DELETE FROM research_users WHERE id = @id";
        RelationalStore.Add(command, "id", user.Id);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return IdentityResult.Success;
    }

    public Task<ResearchUser?> FindByIdAsync(string userId, CancellationToken cancellationToken) => FindAsync("id", userId, cancellationToken);

    public Task<ResearchUser?> FindByNameAsync(string normalizedUserName, CancellationToken cancellationToken) => FindAsync("normalized_user_name", normalizedUserName, cancellationToken);

    /// <summary>Every user, by name.</summary>
    public async Task<IReadOnlyList<ResearchUser>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM research_users ORDER BY normalized_user_name";
        var users = new List<ResearchUser>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            users.Add(Read(reader));
        }

        return users;
    }

    public Task<string> GetUserIdAsync(ResearchUser user, CancellationToken cancellationToken) => Task.FromResult(user.Id);

    public Task<string?> GetUserNameAsync(ResearchUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.UserName);

    public Task SetUserNameAsync(ResearchUser user, string? userName, CancellationToken cancellationToken)
    {
        user.UserName = userName ?? string.Empty;
        return Task.CompletedTask;
    }

    public Task<string?> GetNormalizedUserNameAsync(ResearchUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.NormalizedUserName);

    public Task SetNormalizedUserNameAsync(ResearchUser user, string? normalizedName, CancellationToken cancellationToken)
    {
        user.NormalizedUserName = normalizedName ?? string.Empty;
        return Task.CompletedTask;
    }

    public Task SetPasswordHashAsync(ResearchUser user, string? passwordHash, CancellationToken cancellationToken)
    {
        user.PasswordHash = passwordHash;
        return Task.CompletedTask;
    }

    public Task<string?> GetPasswordHashAsync(ResearchUser user, CancellationToken cancellationToken) => Task.FromResult(user.PasswordHash);

    public Task<bool> HasPasswordAsync(ResearchUser user, CancellationToken cancellationToken) => Task.FromResult(user.PasswordHash is not null);

    public Task SetSecurityStampAsync(ResearchUser user, string stamp, CancellationToken cancellationToken)
    {
        user.SecurityStamp = stamp;
        return Task.CompletedTask;
    }

    public Task<string?> GetSecurityStampAsync(ResearchUser user, CancellationToken cancellationToken) => Task.FromResult<string?>(user.SecurityStamp);

    public Task<DateTimeOffset?> GetLockoutEndDateAsync(ResearchUser user, CancellationToken cancellationToken) => Task.FromResult(user.LockoutEnd);

    public Task SetLockoutEndDateAsync(ResearchUser user, DateTimeOffset? lockoutEnd, CancellationToken cancellationToken)
    {
        user.LockoutEnd = lockoutEnd;
        return Task.CompletedTask;
    }

    public Task<int> IncrementAccessFailedCountAsync(ResearchUser user, CancellationToken cancellationToken) => Task.FromResult(++user.AccessFailedCount);

    public Task ResetAccessFailedCountAsync(ResearchUser user, CancellationToken cancellationToken)
    {
        user.AccessFailedCount = 0;
        return Task.CompletedTask;
    }

    public Task<int> GetAccessFailedCountAsync(ResearchUser user, CancellationToken cancellationToken) => Task.FromResult(user.AccessFailedCount);

    public Task<bool> GetLockoutEnabledAsync(ResearchUser user, CancellationToken cancellationToken) => Task.FromResult(user.LockoutEnabled);

    public Task SetLockoutEnabledAsync(ResearchUser user, bool enabled, CancellationToken cancellationToken)
    {
        user.LockoutEnabled = enabled;
        return Task.CompletedTask;
    }

    public async Task AddToRoleAsync(ResearchUser user, string roleName, CancellationToken cancellationToken)
    {
        var role = RequireRole(roleName);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO research_user_roles (user_id, role) VALUES (@id, @role) ON CONFLICT DO NOTHING";
        RelationalStore.Add(command, "id", user.Id);
        RelationalStore.Add(command, "role", role);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveFromRoleAsync(ResearchUser user, string roleName, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM research_user_roles WHERE user_id = @id AND role = @role";
        RelationalStore.Add(command, "id", user.Id);
        RelationalStore.Add(command, "role", RequireRole(roleName));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IList<string>> GetRolesAsync(ResearchUser user, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT role FROM research_user_roles WHERE user_id = @id ORDER BY role";
        RelationalStore.Add(command, "id", user.Id);
        var roles = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            roles.Add(reader.GetString(0));
        }

        return roles;
    }

    /// <summary>The strategies <paramref name="user"/> is granted (dashboards and, later, trading of those strategies).</summary>
    public async Task<IReadOnlyList<string>> GetGrantsAsync(ResearchUser user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT strategy FROM research_user_grants WHERE user_id = @id ORDER BY strategy";
        RelationalStore.Add(command, "id", user.Id);
        var grants = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            grants.Add(reader.GetString(0));
        }

        return grants;
    }

    /// <summary>Replaces <paramref name="user"/>'s strategy grants with <paramref name="strategies"/> (one transaction).</summary>
    public async Task SetGrantsAsync(ResearchUser user, IEnumerable<string> strategies, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(strategies);
        var wanted = strategies.Select(s => s.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        foreach (var strategy in wanted)
        {
            if (strategy.Length > 64 || !strategy.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw new ArgumentException($"strategy grant '{strategy}': use letters, digits, '-', '_' or '.' (at most 64).", nameof(strategies));
            }
        }

        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM research_user_grants WHERE user_id = @id";
            RelationalStore.Add(delete, "id", user.Id);
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var strategy in wanted)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO research_user_grants (user_id, strategy) VALUES (@id, @strategy)";
            RelationalStore.Add(insert, "id", user.Id);
            RelationalStore.Add(insert, "strategy", strategy);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether any user exists (the first start creates an administrator when none does).</summary>
    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM research_users";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    public async Task<bool> IsInRoleAsync(ResearchUser user, string roleName, CancellationToken cancellationToken) =>
        (await GetRolesAsync(user, cancellationToken).ConfigureAwait(false)).Contains(RequireRole(roleName), StringComparer.Ordinal);

    public async Task<IList<ResearchUser>> GetUsersInRoleAsync(string roleName, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", Columns.Split(", ").Select(c => "u." + c))} FROM research_users u JOIN research_user_roles r ON r.user_id = u.id WHERE r.role = @role ORDER BY u.normalized_user_name";
        RelationalStore.Add(command, "role", RequireRole(roleName));
        var users = new List<ResearchUser>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            users.Add(Read(reader));
        }

        return users;
    }

    public Task SetTwoFactorEnabledAsync(ResearchUser user, bool enabled, CancellationToken cancellationToken)
    {
        user.TwoFactorEnabled = enabled;
        return Task.CompletedTask;
    }

    public Task<bool> GetTwoFactorEnabledAsync(ResearchUser user, CancellationToken cancellationToken) => Task.FromResult(user.TwoFactorEnabled);

    public Task SetAuthenticatorKeyAsync(ResearchUser user, string key, CancellationToken cancellationToken)
    {
        user.AuthenticatorKey = key;
        return Task.CompletedTask;
    }

    public Task<string?> GetAuthenticatorKeyAsync(ResearchUser user, CancellationToken cancellationToken) => Task.FromResult(user.AuthenticatorKey);

    public Task ReplaceCodesAsync(ResearchUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken)
    {
        user.RecoveryCodeHashes = [.. recoveryCodes.Select(HashCode)];
        return Task.CompletedTask;
    }

    public Task<bool> RedeemCodeAsync(ResearchUser user, string code, CancellationToken cancellationToken) =>
        Task.FromResult(user.RecoveryCodeHashes.Remove(HashCode(code)));

    public Task<int> CountCodesAsync(ResearchUser user, CancellationToken cancellationToken) => Task.FromResult(user.RecoveryCodeHashes.Count);

    private static string HashCode(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code.Trim())));

    private static string RequireRole(string roleName)
    {
        var role = roleName?.Trim().ToLowerInvariant() ?? string.Empty;
        return Roles.Contains(role, StringComparer.Ordinal) ? role : throw new ArgumentException($"role: '{roleName}' is not one of {string.Join(", ", Roles)}.");
    }

    private async Task<ResearchUser?> FindAsync(string column, string value, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM research_users WHERE {column} = @value";
        RelationalStore.Add(command, "value", value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    private static void Bind(DbCommand command, ResearchUser user)
    {
        RelationalStore.Add(command, "id", user.Id);
        RelationalStore.Add(command, "user_name", user.UserName);
        RelationalStore.Add(command, "normalized_user_name", user.NormalizedUserName);
        RelationalStore.Add(command, "password_hash", user.PasswordHash);
        RelationalStore.Add(command, "security_stamp", user.SecurityStamp);
        RelationalStore.Add(command, "concurrency_stamp", user.ConcurrencyStamp);
        RelationalStore.Add(command, "lockout_end_ms", user.LockoutEnd?.ToUnixTimeMilliseconds(), System.Data.DbType.Int64);
        RelationalStore.Add(command, "lockout_enabled", (short)(user.LockoutEnabled ? 1 : 0));
        RelationalStore.Add(command, "access_failed_count", user.AccessFailedCount);
        RelationalStore.Add(command, "two_factor_enabled", (short)(user.TwoFactorEnabled ? 1 : 0));
        RelationalStore.Add(command, "authenticator_key", user.AuthenticatorKey);
        RelationalStore.Add(command, "recovery_codes", string.Join(';', user.RecoveryCodeHashes));
        RelationalStore.Add(command, "disabled", (short)(user.Disabled ? 1 : 0));
        RelationalStore.Add(command, "must_change_password", (short)(user.MustChangePassword ? 1 : 0));
        RelationalStore.Add(command, "created_at_ms", user.CreatedAt.ToUnixTimeMilliseconds());
    }

    private static ResearchUser Read(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        UserName = r.GetString(1),
        NormalizedUserName = r.GetString(2),
        PasswordHash = r.IsDBNull(3) ? null : r.GetString(3),
        SecurityStamp = r.GetString(4),
        ConcurrencyStamp = r.GetString(5),
        LockoutEnd = r.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        LockoutEnabled = Convert.ToInt32(r.GetValue(7), System.Globalization.CultureInfo.InvariantCulture) != 0,
        AccessFailedCount = Convert.ToInt32(r.GetValue(8), System.Globalization.CultureInfo.InvariantCulture),
        TwoFactorEnabled = Convert.ToInt32(r.GetValue(9), System.Globalization.CultureInfo.InvariantCulture) != 0,
        AuthenticatorKey = r.IsDBNull(10) ? null : r.GetString(10),
        RecoveryCodeHashes = [.. r.GetString(11).Split(';', StringSplitOptions.RemoveEmptyEntries)],
        Disabled = Convert.ToInt32(r.GetValue(12), System.Globalization.CultureInfo.InvariantCulture) != 0,
        MustChangePassword = Convert.ToInt32(r.GetValue(13), System.Globalization.CultureInfo.InvariantCulture) != 0,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(14)),
    };
}
