using Research.Platform.Storage.Audit;
using Research.Platform.Storage.Relational;

namespace Research.Platform.Storage.Security;

/// <summary>
/// The security tables together, from one choice made in one place: embedded (SQLite files under the data root:
/// <c>security/users.db</c> for users, sessions and API keys, <c>audit/audit.db</c> for the audit log) or PostgreSQL
/// (the migrations' tables). The console and the CLI both open them through here.
/// </summary>
public sealed record SecurityStorage(UserStore Users, SessionStore Sessions, ApiKeyStore ApiKeys, AuditLog Audit)
{
    /// <summary>
    /// PostgreSQL when <paramref name="postgresConnectionString"/> is given (production profile), else SQLite under
    /// <paramref name="dataRoot"/>. The audit log's MAC key is <paramref name="auditKeyFile"/> (<c>Research:Audit:KeyFile</c>)
    /// or <c>&lt;dataRoot&gt;/.research/audit.key</c>, its anchors <c>&lt;dataRoot&gt;/.research/audit-anchors.jsonl</c>:
    /// outside the database either way.
    /// </summary>
    public static SecurityStorage Open(string? postgresConnectionString, string dataRoot, TimeProvider clock, string? auditKeyFile = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataRoot);
        var integrity = AuditIntegrity.Under(dataRoot, auditKeyFile);
        if (!string.IsNullOrWhiteSpace(postgresConnectionString))
        {
            var pg = RelationalStore.Postgres(postgresConnectionString);
            return new SecurityStorage(UserStore.Postgres(postgresConnectionString), new SessionStore(pg), new ApiKeyStore(pg), AuditLog.Postgres(postgresConnectionString, clock, integrity));
        }

        var users = Path.Combine(dataRoot, "security", "users.db");
        return new SecurityStorage(
            UserStore.Sqlite(users),
            new SessionStore(RelationalStore.Sqlite(users, SessionStore.SqliteSchema)),
            new ApiKeyStore(RelationalStore.Sqlite(users, ApiKeyStore.SqliteSchema)),
            AuditLog.Sqlite(Path.Combine(dataRoot, "audit", "audit.db"), clock, integrity));
    }
}
