using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Serialization;
using Research.Alerts;
using Research.Platform.Storage.Relational;

namespace Research.Platform.Storage.Alerts;

/// <summary>A stored alert with the state of each delivery.</summary>
public sealed record StoredAlert(
    long AlertId, string Rule, AlertCondition Condition, string Subject, AlertSeverity Severity, double Value, double Threshold, string? Detail,
    DateTimeOffset RaisedAt, string State, DateTimeOffset? ResolvedAt, string? AcknowledgedBy, DateTimeOffset? AcknowledgedAt, string? Comment,
    bool Escalated, int Folded, IReadOnlyList<StoredDelivery> Deliveries);

/// <summary>One channel's delivery of an alert (<see cref="Escalation"/>: the escalation's second message): pending, sent or failed, with the attempts.</summary>
public sealed record StoredDelivery(long AlertId, string Channel, bool Escalation, string Status, int Attempts, string? LastReason, DateTimeOffset NotBefore, DateTimeOffset? SentAt);

/// <summary>
/// Alert rules, channels, alerts, their deliveries and every delivery attempt in the relational store: PostgreSQL in
/// Production (migration <c>0011_alerts.sql</c>), SQLite when embedded (<c>&lt;data root&gt;/research/alerts.db</c>).
/// One writer (the alert grain) numbers alerts. Channel secrets are stored here and returned only to the sender
/// (<see cref="ChannelsAsync"/> with secrets); views take them out.
/// </summary>
public sealed class AlertStore
{
    private const string SqliteSchema = """
        CREATE TABLE IF NOT EXISTS alert_rules (name TEXT NOT NULL PRIMARY KEY, definition TEXT NOT NULL, updated_by TEXT NOT NULL, updated_at_ms INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS alert_channels (name TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, settings TEXT NOT NULL, secret TEXT, updated_by TEXT NOT NULL, updated_at_ms INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS alerts (
            alert_id INTEGER NOT NULL PRIMARY KEY, rule TEXT NOT NULL, condition TEXT NOT NULL, subject TEXT NOT NULL, severity TEXT NOT NULL,
            value REAL NOT NULL, threshold REAL NOT NULL, detail TEXT, raised_at_ms INTEGER NOT NULL, state TEXT NOT NULL, resolved_at_ms INTEGER,
            ack_by TEXT, ack_at_ms INTEGER, comment TEXT, escalated INTEGER NOT NULL, folded INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_alerts_rule_subject ON alerts (rule, subject, raised_at_ms);
        CREATE TABLE IF NOT EXISTS alert_deliveries (
            alert_id INTEGER NOT NULL, channel TEXT NOT NULL, escalation INTEGER NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
            last_reason TEXT, not_before_ms INTEGER NOT NULL, sent_at_ms INTEGER, PRIMARY KEY (alert_id, channel, escalation));
        CREATE TABLE IF NOT EXISTS alert_attempts (
            alert_id INTEGER NOT NULL, channel TEXT NOT NULL, escalation INTEGER NOT NULL, attempt INTEGER NOT NULL, at_ms INTEGER NOT NULL,
            delivered INTEGER NOT NULL, reason TEXT, PRIMARY KEY (alert_id, channel, escalation, attempt));
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) } };

    private readonly RelationalStore _store;

    private AlertStore(RelationalStore store) => _store = store;

    public static AlertStore Sqlite(string dataRoot) => new(RelationalStore.Sqlite(Path.Combine(dataRoot, "research", "alerts.db"), SqliteSchema));

    public static AlertStore Postgres(string connectionString) => new(RelationalStore.Postgres(connectionString));

    public static AlertStore Open(string? postgresConnectionString, string dataRoot) =>
        postgresConnectionString is { Length: > 0 } pg ? Postgres(pg) : Sqlite(dataRoot);

    public async Task<IReadOnlyList<AlertRule>> RulesAsync(CancellationToken cancellationToken = default)
    {
        var rules = new List<AlertRule>();
        await foreach (var r in QueryAsync("SELECT definition FROM alert_rules ORDER BY name", _ => { }, cancellationToken).ConfigureAwait(false))
        {
            rules.Add(JsonSerializer.Deserialize<AlertRule>(r.GetString(0), Json)!);
        }

        return rules;
    }

    public Task PutRuleAsync(AlertRule rule, string by, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return ExecuteAsync("DELETE FROM alert_rules WHERE name = @name; INSERT INTO alert_rules (name, definition, updated_by, updated_at_ms) VALUES (@name, @definition, @by, @at)",
            c => Add(c, ("name", rule.Name), ("definition", JsonSerializer.Serialize(rule, Json)), ("by", by), ("at", at.ToUnixTimeMilliseconds())), cancellationToken);
    }

    public async Task<bool> DeleteRuleAsync(string name, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("DELETE FROM alert_rules WHERE name = @name", c => Add(c, ("name", name)), cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>The channels, with their secrets (for the sender only).</summary>
    public async Task<IReadOnlyList<AlertChannel>> ChannelsAsync(CancellationToken cancellationToken = default)
    {
        var channels = new List<AlertChannel>();
        await foreach (var r in QueryAsync("SELECT name, kind, settings, secret FROM alert_channels ORDER BY name", _ => { }, cancellationToken).ConfigureAwait(false))
        {
            channels.Add(new AlertChannel(r.GetString(0), Enum.Parse<ChannelKind>(r.GetString(1), ignoreCase: true),
                JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(2), Json)!, r.IsDBNull(3) ? null : r.GetString(3)));
        }

        return channels;
    }

    /// <summary>Stores a channel; a null secret keeps the stored one (so editing settings never asks for the secret again).</summary>
    public Task PutChannelAsync(AlertChannel channel, string by, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return ExecuteAsync("""
            INSERT INTO alert_channels (name, kind, settings, secret, updated_by, updated_at_ms) VALUES (@name, @kind, @settings, @secret, @by, @at)
            ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, settings = excluded.settings, secret = coalesce(excluded.secret, alert_channels.secret),
                updated_by = excluded.updated_by, updated_at_ms = excluded.updated_at_ms
            """, c => Add(c, ("name", channel.Name), ("kind", channel.Kind.ToString().ToLowerInvariant()), ("settings", JsonSerializer.Serialize(channel.Settings, Json)),
                ("secret", channel.Secret), ("by", by), ("at", at.ToUnixTimeMilliseconds())), cancellationToken);
    }

    public async Task<bool> DeleteChannelAsync(string name, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("DELETE FROM alert_channels WHERE name = @name", c => Add(c, ("name", name)), cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>The rule's open (unresolved) alert for the subject, and its latest alert for it (id and when raised).</summary>
    public async Task<(Episode? Standing, (long AlertId, DateTimeOffset RaisedAt)? Last)> StandingAsync(string rule, string subject, CancellationToken cancellationToken = default)
    {
        Episode? standing = null;
        (long, DateTimeOffset)? last = null;
        await foreach (var r in QueryAsync("SELECT alert_id, raised_at_ms, state, escalated FROM alerts WHERE rule = @rule AND subject = @subject ORDER BY alert_id DESC LIMIT 1",
            c => Add(c, ("rule", rule), ("subject", subject)), cancellationToken).ConfigureAwait(false))
        {
            var raised = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1));
            last = (r.GetInt64(0), raised);
            var state = r.GetString(2);
            if (state != "resolved")
            {
                standing = new Episode(r.GetInt64(0), raised, state == "acknowledged", r.GetInt64(3) != 0);
            }
        }

        return (standing, last);
    }

    /// <summary>Stores a new alert with a pending delivery per channel (not before <paramref name="notBefore"/>), in one transaction; returns its id.</summary>
    public async Task<long> RaiseAsync(AlertRule rule, Observation observation, IEnumerable<string> channels, DateTimeOffset notBefore, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(observation);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        long id;
        await using (var next = connection.CreateCommand())
        {
            next.Transaction = transaction;
            next.CommandText = "SELECT coalesce(max(alert_id), 0) + 1 FROM alerts";
            id = Convert.ToInt64(await next.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO alerts (alert_id, rule, condition, subject, severity, value, threshold, detail, raised_at_ms, state, escalated, folded)
                VALUES (@id, @rule, @condition, @subject, @severity, @value, @threshold, @detail, @at, 'open', 0, 0)
                """;
            Add(insert, ("id", id), ("rule", rule.Name), ("condition", AlertRule.Wire(observation.Condition)), ("subject", observation.Subject), ("severity", rule.Severity.ToString().ToLowerInvariant()),
                ("value", observation.Value), ("threshold", rule.Threshold), ("detail", observation.Detail), ("at", observation.At.ToUnixTimeMilliseconds()));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await InsertDeliveriesAsync(connection, transaction, id, channels, escalation: false, notBefore, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>Marks an alert escalated and adds the escalation's deliveries.</summary>
    public async Task EscalateAsync(long alertId, IEnumerable<string> channels, DateTimeOffset notBefore, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = "UPDATE alerts SET escalated = 1 WHERE alert_id = @id";
            Add(update, ("id", alertId));
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await InsertDeliveriesAsync(connection, transaction, alertId, channels, escalation: true, notBefore, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task FoldAsync(long alertId, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE alerts SET folded = folded + 1 WHERE alert_id = @id", c => Add(c, ("id", alertId)), cancellationToken);

    public Task ResolveAsync(long alertId, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        ExecuteAsync("UPDATE alerts SET state = 'resolved', resolved_at_ms = @at WHERE alert_id = @id AND state <> 'resolved'", c => Add(c, ("id", alertId), ("at", at.ToUnixTimeMilliseconds())), cancellationToken);

    /// <summary>Acknowledges an alert (stops its escalation) with a comment; false when there is no such alert.</summary>
    public async Task<bool> AcknowledgeAsync(long alertId, string by, string? comment, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await ExecuteAsync("""
            UPDATE alerts SET state = CASE WHEN state = 'resolved' THEN state ELSE 'acknowledged' END, ack_by = @by, ack_at_ms = @at, comment = @comment WHERE alert_id = @id
            """, c => Add(c, ("id", alertId), ("by", by), ("at", at.ToUnixTimeMilliseconds()), ("comment", comment)), cancellationToken).ConfigureAwait(false) > 0;

    /// <summary>Deliveries not yet sent whose time has come (pending, or failed and due again), oldest first.</summary>
    public async Task<IReadOnlyList<StoredDelivery>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        var due = new List<StoredDelivery>();
        await foreach (var r in QueryAsync($"SELECT {DeliveryColumns} FROM alert_deliveries WHERE status <> 'sent' AND not_before_ms <= @now ORDER BY not_before_ms, alert_id LIMIT @limit",
            c => Add(c, ("now", now.ToUnixTimeMilliseconds()), ("limit", limit)), cancellationToken).ConfigureAwait(false))
        {
            due.Add(Delivery(r));
        }

        return due;
    }

    /// <summary>Records a delivery's attempts and its new status (sent, or failed with the next time to try).</summary>
    public async Task RecordAsync(StoredDelivery delivery, IReadOnlyList<DeliveryAttempt> attempts, DateTimeOffset? retryAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(attempts);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var a in attempts)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO alert_attempts (alert_id, channel, escalation, attempt, at_ms, delivered, reason) VALUES (@id, @channel, @escalation, @attempt, @at, @delivered, @reason)";
            Add(insert, ("id", delivery.AlertId), ("channel", delivery.Channel), ("escalation", delivery.Escalation ? 1 : 0), ("attempt", a.Number), ("at", a.At.ToUnixTimeMilliseconds()),
                ("delivered", a.Delivered ? 1 : 0), ("reason", a.Reason));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var sent = attempts.FirstOrDefault(a => a.Delivered);
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = """
                UPDATE alert_deliveries SET status = @status, attempts = attempts + @n, last_reason = @reason, not_before_ms = @next, sent_at_ms = @sent
                WHERE alert_id = @id AND channel = @channel AND escalation = @escalation
                """;
            Add(update, ("status", sent is not null ? "sent" : "failed"), ("n", attempts.Count), ("reason", sent is not null || attempts.Count == 0 ? null : attempts[^1].Reason),
                ("next", (retryAt ?? delivery.NotBefore).ToUnixTimeMilliseconds()), ("sent", sent?.At.ToUnixTimeMilliseconds()), ("id", delivery.AlertId), ("channel", delivery.Channel),
                ("escalation", delivery.Escalation ? 1 : 0));
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The latest alerts, newest first, with their deliveries.</summary>
    public async Task<IReadOnlyList<StoredAlert>> HistoryAsync(int limit, long? alertId = null, CancellationToken cancellationToken = default)
    {
        var rows = new List<StoredAlert>();
        await foreach (var r in QueryAsync($"""
            SELECT alert_id, rule, condition, subject, severity, value, threshold, detail, raised_at_ms, state, resolved_at_ms, ack_by, ack_at_ms, comment, escalated, folded
            FROM alerts {(alertId is null ? string.Empty : "WHERE alert_id = @alert")} ORDER BY alert_id DESC LIMIT @limit
            """, c => { Add(c, ("limit", limit)); if (alertId is { } a) { Add(c, ("alert", a)); } }, cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new StoredAlert(r.GetInt64(0), r.GetString(1), AlertRule.ParseCondition(r.GetString(2)), r.GetString(3), Enum.Parse<AlertSeverity>(r.GetString(4), ignoreCase: true),
                r.GetDouble(5), r.GetDouble(6), r.IsDBNull(7) ? null : r.GetString(7), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)), r.GetString(9), Time(r, 10),
                r.IsDBNull(11) ? null : r.GetString(11), Time(r, 12), r.IsDBNull(13) ? null : r.GetString(13), r.GetInt64(14) != 0, (int)r.GetInt64(15), []));
        }

        if (rows.Count == 0)
        {
            return rows;
        }

        var deliveries = new List<StoredDelivery>();
        await foreach (var r in QueryAsync($"SELECT {DeliveryColumns} FROM alert_deliveries WHERE alert_id >= @low AND alert_id <= @high ORDER BY alert_id, escalation, channel",
            c => Add(c, ("low", rows.Min(a => a.AlertId)), ("high", rows.Max(a => a.AlertId))), cancellationToken).ConfigureAwait(false))
        {
            deliveries.Add(Delivery(r));
        }

        return [.. rows.Select(a => a with { Deliveries = [.. deliveries.Where(d => d.AlertId == a.AlertId)] })];
    }

    /// <summary>Every attempt for an alert, in order.</summary>
    public async Task<IReadOnlyList<(string Channel, bool Escalation, DeliveryAttempt Attempt)>> AttemptsAsync(long alertId, CancellationToken cancellationToken = default)
    {
        var list = new List<(string, bool, DeliveryAttempt)>();
        await foreach (var r in QueryAsync("SELECT channel, escalation, attempt, at_ms, delivered, reason FROM alert_attempts WHERE alert_id = @id ORDER BY escalation, channel, attempt",
            c => Add(c, ("id", alertId)), cancellationToken).ConfigureAwait(false))
        {
            list.Add((r.GetString(0), r.GetInt64(1) != 0, new DeliveryAttempt((int)r.GetInt64(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.GetInt64(4) != 0, r.IsDBNull(5) ? null : r.GetString(5))));
        }

        return list;
    }

    private const string DeliveryColumns = "alert_id, channel, escalation, status, attempts, last_reason, not_before_ms, sent_at_ms";

    private static StoredDelivery Delivery(DbDataReader r) => new(r.GetInt64(0), r.GetString(1), r.GetInt64(2) != 0, r.GetString(3), (int)r.GetInt64(4),
        r.IsDBNull(5) ? null : r.GetString(5), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)), Time(r, 7));

    private static DateTimeOffset? Time(DbDataReader r, int i) => r.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));

    private static async Task InsertDeliveriesAsync(DbConnection connection, DbTransaction transaction, long id, IEnumerable<string> channels, bool escalation, DateTimeOffset notBefore, CancellationToken cancellationToken)
    {
        foreach (var channel in channels.Distinct(StringComparer.Ordinal))
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO alert_deliveries (alert_id, channel, escalation, status, attempts, not_before_ms) VALUES (@id, @channel, @escalation, 'pending', 0, @at)";
            Add(insert, ("id", id), ("channel", channel), ("escalation", escalation ? 1 : 0), ("at", notBefore.ToUnixTimeMilliseconds()));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Add(DbCommand command, params (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            RelationalStore.Add(command, name, value);
        }
    }

    private async Task<int> ExecuteAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async IAsyncEnumerable<DbDataReader> QueryAsync(string sql, Action<DbCommand> bind, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return reader;
        }
    }
}
