using System.Data.Common;
using System.Globalization;
using Research.Analytics.Alpha.Signals;
using Research.Backtesting.Overfitting;
using Research.Platform.Storage.Relational;

namespace Research.Platform.Storage.Alpha;

/// <summary>What storing a signal definition did.</summary>
public enum SignalStoreOutcome
{
    /// <summary>A new name or version was stored.</summary>
    Stored,

    /// <summary>The same definition was already stored under that name and version.</summary>
    Unchanged,
}

/// <summary>A stored signal definition and who stored it when.</summary>
public sealed record StoredSignal(SignalDefinition Definition, string Sha256, string CreatedBy, DateTimeOffset CreatedAt);

/// <summary>
/// Stored signal definitions and the trial ledger in the relational store: PostgreSQL in Production (migration
/// <c>0010_alpha_research.sql</c>), SQLite when embedded (<c>&lt;data root&gt;/research/alpha.db</c>, created here).
/// Definitions are append-only: a name and version keep their meaning (storing a different definition under them is
/// refused). Trials are append-only rows; nothing here updates or deletes one.
/// </summary>
public sealed class AlphaLedger : ISignalTrialRecorder
{
    private const string SqliteSchema = """
        CREATE TABLE IF NOT EXISTS alpha_signals (
            name TEXT NOT NULL, version INTEGER NOT NULL, definition TEXT NOT NULL, sha256 TEXT NOT NULL,
            created_by TEXT NOT NULL, created_at_ms INTEGER NOT NULL, PRIMARY KEY (name, version));
        CREATE TABLE IF NOT EXISTS alpha_trials (
            trial_id TEXT NOT NULL PRIMARY KEY, trial_key TEXT NOT NULL, question TEXT NOT NULL, signal TEXT NOT NULL,
            definition_sha256 TEXT NOT NULL, definition TEXT NOT NULL, parameters TEXT NOT NULL, period_from TEXT NOT NULL,
            period_to TEXT NOT NULL, universe TEXT NOT NULL, data_versions TEXT NOT NULL, statistics TEXT NOT NULL,
            p_value REAL NOT NULL, spread_sharpe REAL NOT NULL, horizon INTEGER NOT NULL, periods INTEGER NOT NULL,
            skewness REAL NOT NULL, kurtosis REAL NOT NULL, requested_by TEXT NOT NULL, created_at_ms INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_alpha_trials_question ON alpha_trials (question, created_at_ms);
        """;

    private const string TrialColumns = "trial_id, trial_key, question, signal, definition_sha256, definition, parameters, period_from, period_to, universe, data_versions, statistics, p_value, spread_sharpe, horizon, periods, skewness, kurtosis, requested_by, created_at_ms";

    private readonly RelationalStore _store;

    private AlphaLedger(RelationalStore store) => _store = store;

    /// <summary>The embedded store under <paramref name="dataRoot"/>.</summary>
    public static AlphaLedger Sqlite(string dataRoot) => new(RelationalStore.Sqlite(Path.Combine(dataRoot, "research", "alpha.db"), SqliteSchema));

    /// <summary>PostgreSQL; the tables come from the migrations.</summary>
    public static AlphaLedger Postgres(string connectionString) => new(RelationalStore.Postgres(connectionString));

    /// <summary>PostgreSQL when a connection string is given (Production), else SQLite under the data root.</summary>
    public static AlphaLedger Open(string? postgresConnectionString, string dataRoot) =>
        postgresConnectionString is { Length: > 0 } pg ? Postgres(pg) : Sqlite(dataRoot);

    /// <summary>
    /// A signal as users name it: a built-in (<c>momentum</c>) or a stored definition (<c>value_momentum</c>, its latest
    /// version, or <c>value_momentum@v2</c>); throws <see cref="ArgumentException"/> saying what exists.
    /// </summary>
    public async Task<SignalDefinition> ResolveAsync(string text, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? text : text[..at];
        int? version = null;
        if (at >= 0)
        {
            version = text[(at + 1)..] is ['v', .. var digits] && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1
                ? v
                : throw new ArgumentException($"'{text}' is not NAME or NAME@vN (e.g. momentum or value_momentum@v2).");
        }

        if (BuiltInSignals.Find(name) is { } builtIn)
        {
            return version is null or 1 ? builtIn : throw new ArgumentException($"the built-in '{name}' has only version 1.");
        }

        return (await GetSignalAsync(name, version, cancellationToken).ConfigureAwait(false))?.Definition
            ?? throw new ArgumentException($"no signal '{text}': built-ins are {string.Join(", ", BuiltInSignals.All.Select(s => s.Name))}; 'research alpha list' shows the stored ones, 'research alpha define --spec FILE' stores one.");
    }

    /// <summary>Stores a definition under its name and version; refuses a different definition under a stored name and version.</summary>
    public async Task<SignalStoreOutcome> DefineAsync(SignalDefinition definition, string createdBy, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (BuiltInSignals.Find(definition.Name) is not null)
        {
            throw new InvalidOperationException($"'{definition.Name}' is a built-in signal; give yours another name.");
        }

        if (await GetSignalAsync(definition.Name, definition.Version, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return stored.Sha256 == definition.Sha256
                ? SignalStoreOutcome.Unchanged
                : throw new InvalidOperationException($"{definition.Id} is already stored with another definition (sha256 {stored.Sha256[..12]}...); a stored version never changes meaning: give it version {await NextVersionAsync(definition.Name, cancellationToken).ConfigureAwait(false)}.");
        }

        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO alpha_signals (name, version, definition, sha256, created_by, created_at_ms) VALUES (@name, @version, @definition, @sha256, @by, @at) ON CONFLICT (name, version) DO NOTHING";
        RelationalStore.Add(command, "name", definition.Name);
        RelationalStore.Add(command, "version", definition.Version);
        RelationalStore.Add(command, "definition", definition.CanonicalJson());
        RelationalStore.Add(command, "sha256", definition.Sha256);
        RelationalStore.Add(command, "by", createdBy);
        RelationalStore.Add(command, "at", at.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1
            ? SignalStoreOutcome.Stored
            : throw new InvalidOperationException($"{definition.Id} was stored by someone else at the same moment; run the command again.");
    }

    /// <summary>A stored definition: the given version, or the latest when <paramref name="version"/> is null.</summary>
    public async Task<StoredSignal?> GetSignalAsync(string name, int? version = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = version is null
            ? "SELECT definition, sha256, created_by, created_at_ms FROM alpha_signals WHERE name = @name ORDER BY version DESC LIMIT 1"
            : "SELECT definition, sha256, created_by, created_at_ms FROM alpha_signals WHERE name = @name AND version = @version";
        RelationalStore.Add(command, "name", name);
        if (version is not null)
        {
            RelationalStore.Add(command, "version", version.Value);
        }

        return (await ReadSignalsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    /// <summary>Every stored definition, by name and version.</summary>
    public async Task<IReadOnlyList<StoredSignal>> ListSignalsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT definition, sha256, created_by, created_at_ms FROM alpha_signals ORDER BY name, version";
        return await ReadSignalsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends one evaluation to the ledger.</summary>
    public async Task RecordTrialAsync(SignalTrial trial, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trial);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await InsertAsync(connection, Guid.NewGuid().ToString("N"), trial, onceOnly: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records each trial under its own id, in one transaction; an id already on record is left as it is.</summary>
    public async Task RecordOnceAsync(IReadOnlyList<(string TrialId, SignalTrial Trial)> trials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trials);
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (id, trial) in trials)
        {
            await InsertAsync(connection, id, trial, onceOnly: true, cancellationToken, transaction).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task InsertAsync(System.Data.Common.DbConnection connection, string trialId, SignalTrial trial, bool onceOnly, CancellationToken cancellationToken, System.Data.Common.DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO alpha_trials ({TrialColumns}) VALUES (@trial_id, @trial_key, @question, @signal, @definition_sha256, @definition, @parameters, @period_from, @period_to, @universe, @data_versions, @statistics, @p_value, @spread_sharpe, @horizon, @periods, @skewness, @kurtosis, @requested_by, @created_at_ms)"
            + (onceOnly ? " ON CONFLICT (trial_id) DO NOTHING" : string.Empty);
        RelationalStore.Add(command, "trial_id", trialId);
        RelationalStore.Add(command, "trial_key", trial.TrialKey);
        RelationalStore.Add(command, "question", trial.Question);
        RelationalStore.Add(command, "signal", trial.Signal);
        RelationalStore.Add(command, "definition_sha256", trial.DefinitionSha256);
        RelationalStore.Add(command, "definition", trial.Definition);
        RelationalStore.Add(command, "parameters", trial.Parameters);
        RelationalStore.Add(command, "period_from", trial.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        RelationalStore.Add(command, "period_to", trial.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        RelationalStore.Add(command, "universe", trial.Universe);
        RelationalStore.Add(command, "data_versions", trial.DataVersions);
        RelationalStore.Add(command, "statistics", trial.Statistics);
        RelationalStore.Add(command, "p_value", trial.PValue);
        RelationalStore.Add(command, "spread_sharpe", trial.SpreadSharpe);
        RelationalStore.Add(command, "horizon", trial.Horizon);
        RelationalStore.Add(command, "periods", trial.Periods);
        RelationalStore.Add(command, "skewness", trial.Skewness);
        RelationalStore.Add(command, "kurtosis", trial.Kurtosis);
        RelationalStore.Add(command, "requested_by", trial.RequestedBy);
        RelationalStore.Add(command, "created_at_ms", trial.CreatedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The rows of one question (every question when null), oldest first.</summary>
    public async Task<IReadOnlyList<SignalTrial>> TrialsAsync(string? question = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {TrialColumns} FROM alpha_trials {(question is null ? string.Empty : "WHERE question = @question")} ORDER BY created_at_ms, trial_id";
        if (question is not null)
        {
            RelationalStore.Add(command, "question", question);
        }

        var rows = new List<SignalTrial>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new SignalTrial(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6),
                DateOnly.ParseExact(reader.GetString(7), "yyyy-MM-dd", CultureInfo.InvariantCulture), DateOnly.ParseExact(reader.GetString(8), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                reader.GetString(9), reader.GetString(10), reader.GetString(11), reader.GetDouble(12), reader.GetDouble(13), Convert.ToInt32(reader.GetValue(14), CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(15), CultureInfo.InvariantCulture), reader.GetDouble(16), reader.GetDouble(17), reader.GetString(18), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(19))));
        }

        return rows;
    }

    private async Task<int> NextVersionAsync(string name, CancellationToken cancellationToken) =>
        ((await GetSignalAsync(name, null, cancellationToken).ConfigureAwait(false))?.Definition.Version ?? 0) + 1;

    private static async Task<List<StoredSignal>> ReadSignalsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<StoredSignal>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new StoredSignal(SignalDefinition.Parse(reader.GetString(0), "stored signal"), reader.GetString(1), reader.GetString(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        }

        return rows;
    }
}
