using System.Data;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Research.Data.Warehouse;

namespace Research.Data.Providers.Wrds;

/// <summary>
/// The WRDS PostgreSQL client. It keeps one long-lived connection (TCP keepalive on) because every new WRDS
/// login can send a Duo MFA push to the user's phone; it reconnects only after the connection is lost.
/// Bulk reads stream binary <c>COPY (SELECT ...) TO STDOUT</c> straight into a Parquet file, one row group at a
/// time, so a table never sits in memory. Queries are spaced by <see cref="WrdsSettings.MinQueryInterval"/>.
/// Server errors become <see cref="WrdsException"/> with a kind and a message that names the table and what to do;
/// the password never appears in messages or logs.
/// </summary>
public sealed class WrdsClient(WrdsSettings settings, WrdsCredentials credentials, TimeProvider? clock = null, ILogger? logger = null) : IAsyncDisposable
{
    /// <summary>Rows per Parquet row group when streaming (bounded memory: a few tens of MB).</summary>
    public int RowGroupSize { get; init; } = 100_000;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private NpgsqlConnection? _connection;
    private DateTimeOffset? _lastQuery;

    public WrdsSettings Settings => settings;

    /// <summary>user@host:port/database (ssl mode); no secret.</summary>
    public string Target => (settings with { Username = credentials.Username }).Describe();

    /// <summary>How many logins this client made (each may have needed a Duo approval).</summary>
    public int Logins { get; private set; }

    /// <summary>Opens the connection if it is not open (a no-op while it is).</summary>
    public async Task<NpgsqlConnection> ConnectAsync(CancellationToken cancellationToken = default)
    {
        if (_connection is { FullState: ConnectionState.Open })
        {
            return _connection;
        }

        await DropConnectionAsync().ConfigureAwait(false);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = settings.Host,
            Port = settings.Port,
            Database = settings.Database,
            Username = credentials.Username,
            Password = credentials.Password,
            SslMode = settings.SslMode,
            KeepAlive = settings.KeepAliveSeconds,
            TcpKeepAlive = true,
            Timeout = Math.Clamp(settings.ConnectTimeoutSeconds, 1, 1024),
            CommandTimeout = settings.CommandTimeoutSeconds,
            Pooling = false,
            ApplicationName = "research-wrds",
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            _logger.LogInformation("Logging in to WRDS as {Target}", Target);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw Translate(e, "logging in", null, null);
        }

        Logins++;
        _connection = connection;
        return connection;
    }

    /// <summary>Throws <see cref="WrdsException"/> (MissingTable or Permission) unless the user may read <paramref name="table"/>.</summary>
    public async Task EnsureReadableAsync(string table, CancellationToken cancellationToken = default)
    {
        var row = await QueryRowAsync(
            "SELECT to_regclass(@t) IS NOT NULL, CASE WHEN to_regclass(@t) IS NULL THEN false ELSE has_table_privilege(to_regclass(@t), 'SELECT') END",
            table, cancellationToken, ("t", table)).ConfigureAwait(false);
        if (!(bool)row[0]!)
        {
            throw new WrdsException(WrdsErrorKind.MissingTable,
                $"WRDS has no table {table} on {settings.Host} (or your subscription does not show it). Check the name, the CRSP format (SIZ or CIZ) and your WRDS subscription.");
        }

        if (!(bool)row[1]!)
        {
            throw new WrdsException(WrdsErrorKind.Permission,
                $"User {credentials.Username} may not read {table} on {settings.Host}: your institution's WRDS subscription does not include it (ask your WRDS representative).");
        }
    }

    /// <summary>The planner's row and size estimate for a query (cheap: no rows are read).</summary>
    public async Task<WrdsEstimate> EstimateAsync(string selectSql, string what, CancellationToken cancellationToken = default)
    {
        var row = await QueryRowAsync("EXPLAIN (FORMAT JSON) " + selectSql, what, cancellationToken).ConfigureAwait(false);
        using var plan = JsonDocument.Parse((string)row[0]!);
        var top = plan.RootElement[0].GetProperty("Plan");
        var rows = (long)top.GetProperty("Plan Rows").GetDouble();
        var width = top.GetProperty("Plan Width").GetInt64();
        return new WrdsEstimate(rows, rows * width);
    }

    /// <summary>Runs a query and returns all rows (for small metadata queries: counts, date ranges).</summary>
    public Task<IReadOnlyList<object?[]>> QueryAsync(string sql, string what, CancellationToken cancellationToken = default) =>
        QueryAsync(sql, what, [], cancellationToken);

    private async Task<IReadOnlyList<object?[]>> QueryAsync(string sql, string what, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
    {
        await RateLimitAsync(cancellationToken).ConfigureAwait(false);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var rows = new List<object?[]>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var values = new object?[reader.FieldCount];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(values);
            }

            return rows;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
        {
            await DropIfBrokenAsync().ConfigureAwait(false);
            throw Translate(e, "querying", what, null);
        }
    }

    /// <summary>
    /// Streams <c>COPY (<paramref name="selectSql"/>) TO STDOUT (FORMAT BINARY)</c> into a Parquet file at
    /// <paramref name="path"/> with the given columns (the query's columns, in order, cast to the PostgreSQL type
    /// of each: integer, bigint, double precision, real, boolean, text or date). Writes under a temporary name;
    /// on any error no file is left at <paramref name="path"/>. Returns the rows written.
    /// </summary>
    public async Task<long> CopyToParquetAsync(string selectSql, IReadOnlyList<ParquetColumnSpec> columns, string path, string what,
        IProgress<long>? rowsProgress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        long written = 0;
        await StreamAsync(selectSql, columns, splitIndex: -1, _ => path, (_, rows) =>
        {
            written = rows;
            return Task.CompletedTask;
        }, what, rowsProgress, cancellationToken).ConfigureAwait(false);
        if (written == 0 && !File.Exists(path))
        {
            // No rows: still an (empty) file, so that "no data" and "not pulled" differ.
            var empty = await ParquetTableWriter.CreateAsync(path, columns, cancellationToken).ConfigureAwait(false);
            await using (empty.ConfigureAwait(false))
            {
                await empty.CompleteAsync().ConfigureAwait(false);
            }
        }

        return written;
    }

    /// <summary>
    /// Streams one <c>COPY (<paramref name="selectSql"/>) TO STDOUT</c> ordered by the date column
    /// <paramref name="yearColumn"/> into one Parquet file per calendar year: when the year changes, the finished
    /// file is completed and <paramref name="onYearWritten"/> is awaited (to checkpoint it) before the stream goes on.
    /// A failure mid-stream leaves the years already handed over intact and no file for the year in progress.
    /// Returns the rows streamed.
    /// </summary>
    public async Task<long> CopyToParquetByYearAsync(string selectSql, IReadOnlyList<ParquetColumnSpec> columns, string yearColumn,
        Func<int, string> pathForYear, Func<int, long, Task> onYearWritten, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var dateIndex = columns.Select(c => c.Name).ToList().IndexOf(yearColumn);
        if (dateIndex < 0 || columns[dateIndex].ClrType != typeof(DateOnly) || columns[dateIndex].Nullable)
        {
            throw new ArgumentException($"{what}: '{yearColumn}' is not a non-null date column of the query.", nameof(yearColumn));
        }

        return await StreamAsync(selectSql, columns, dateIndex, pathForYear, onYearWritten, what, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The streaming core. Rows are decoded into one set of column buffers while the previous full row group is
    /// encoded and compressed on another thread (two buffer sets, at most one write in flight), so decoding and
    /// Parquet encoding overlap. With <paramref name="splitIndex"/> >= 0 the file changes whenever the year of that
    /// date column changes (rows must come ordered by it); otherwise everything goes to file key 0.
    /// </summary>
    private async Task<long> StreamAsync(string selectSql, IReadOnlyList<ParquetColumnSpec> columns, int splitIndex,
        Func<int, string> pathFor, Func<int, long, Task> onFileWritten, string what, IProgress<long>? rowsProgress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pathFor);
        ArgumentNullException.ThrowIfNull(onFileWritten);
        await RateLimitAsync(cancellationToken).ConfigureAwait(false);
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        CopyColumnBuffer[][] sets = [[.. columns.Select(c => CopyColumnBuffer.For(c, RowGroupSize))], [.. columns.Select(c => CopyColumnBuffer.For(c, RowGroupSize))]];
        var current = 0;
        long rows = 0;
        ParquetTableWriter? writer = null;
        Task pending = Task.CompletedTask;
        int? key = null;
        try
        {
            var inGroup = 0;
            await using (var export = await connection.BeginBinaryExportAsync($"COPY ({selectSql}) TO STDOUT (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
            {
                await using var cancel = cancellationToken.Register(() => export.Cancel());
                int fields;
                while ((fields = export.StartRow()) != -1)
                {
                    var buffers = sets[current];
                    if (fields != buffers.Length)
                    {
                        throw new WrdsException(WrdsErrorKind.SchemaMismatch, $"{what}: the query returned {fields} columns, expected {buffers.Length} ({string.Join(", ", columns.Select(c => c.Name))}).");
                    }

                    for (var i = 0; i < buffers.Length; i++)
                    {
                        buffers[i].Read(export, inGroup, what, rows);
                    }

                    var rowKey = splitIndex < 0 ? 0 : buffers[splitIndex].YearAt(inGroup);
                    if (rowKey != key)
                    {
                        if (key is { } finished)
                        {
                            if (rowKey < finished)
                            {
                                throw new WrdsException(WrdsErrorKind.SchemaMismatch, $"{what}: rows are not ordered by {columns[splitIndex].Name} ({rowKey} after {finished}).");
                            }

                            await pending.ConfigureAwait(false);
                            if (inGroup > 0)
                            {
                                await writer!.WriteRowGroupAsync(buffers.Select(b => b.Take(inGroup)).ToArray(), cancellationToken).ConfigureAwait(false);
                            }

                            await CompleteFileAsync(finished).ConfigureAwait(false);
                            foreach (var buffer in buffers)
                            {
                                buffer.Move(inGroup, 0);
                            }

                            inGroup = 0;
                        }

                        key = rowKey;
                        writer = await ParquetTableWriter.CreateAsync(pathFor(rowKey), columns, cancellationToken).ConfigureAwait(false);
                    }

                    inGroup++;
                    rows++;
                    if (inGroup == RowGroupSize)
                    {
                        await pending.ConfigureAwait(false);
                        var full = buffers.Select(b => b.Take(inGroup)).ToArray();
                        var target = writer!;
                        pending = Task.Run(() => target.WriteRowGroupAsync(full, cancellationToken), cancellationToken);
                        current = 1 - current;
                        inGroup = 0;
                        rowsProgress?.Report(rows);
                    }
                }
            }

            await pending.ConfigureAwait(false);
            if (writer is not null)
            {
                if (inGroup > 0)
                {
                    await writer.WriteRowGroupAsync(sets[current].Select(b => b.Take(inGroup)).ToArray(), cancellationToken).ConfigureAwait(false);
                }

                await CompleteFileAsync(key!.Value).ConfigureAwait(false);
            }

            rowsProgress?.Report(rows);
            return rows;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidCastException)
        {
            await DropIfBrokenAsync().ConfigureAwait(false);
            throw Translate(e, $"streaming (after {rows:N0} rows{(splitIndex >= 0 && key is { } y ? $", in {y}" : "")})", what, rows);
        }
        finally
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                _logger.LogDebug(e, "Abandoned row group write of {What}", what);
            }

            if (writer is not null)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }

        async Task CompleteFileAsync(int finishedKey)
        {
            var finishedWriter = writer!;
            writer = null;
            var count = finishedWriter.RowCount;
            await finishedWriter.CompleteAsync().ConfigureAwait(false);
            await finishedWriter.DisposeAsync().ConfigureAwait(false);
            await onFileWritten(finishedKey, count).ConfigureAwait(false);
        }
    }

    /// <summary>Drains <c>COPY (<paramref name="selectSql"/>) TO STDOUT (FORMAT BINARY)</c> without decoding it: the
    /// baseline a sync's throughput is measured against. Returns the bytes received.</summary>
    public async Task<long> DrainRawCopyAsync(string selectSql, CancellationToken cancellationToken = default)
    {
        var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[1 << 16];
        long bytes = 0;
        await using var stream = await connection.BeginRawBinaryCopyAsync($"COPY ({selectSql}) TO STDOUT (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            bytes += read;
        }

        return bytes;
    }

    public async ValueTask DisposeAsync() => await DropConnectionAsync().ConfigureAwait(false);

    /// <summary>Maps a driver error to a <see cref="WrdsException"/> whose message says what failed and what to do.</summary>
    public WrdsException Translate(Exception e, string doing, string? what, long? rows = null)
    {
        if (e is WrdsException wrds)
        {
            return wrds;
        }

        var subject = what is null ? settings.Host : $"{what} on {settings.Host}";
        var pg = e as PostgresException ?? e.InnerException as PostgresException;
        if (pg is not null)
        {
            var detail = $"{pg.SqlState}: {pg.MessageText}";
            return pg.SqlState switch
            {
                "28P01" or "28000" when pg.MessageText.Contains("PAM", StringComparison.OrdinalIgnoreCase) || pg.MessageText.Contains("Duo", StringComparison.OrdinalIgnoreCase) =>
                    new WrdsException(WrdsErrorKind.MultiFactor,
                        $"WRDS refused the login of {credentials.Username} ({detail}). WRDS logins need Duo approval: approve the push on your phone (or enroll at wrds-www.wharton.upenn.edu) and retry; if you approved it, the password from {credentials.Source} is wrong.", e),
                "28P01" or "28000" =>
                    new WrdsException(WrdsErrorKind.Authentication,
                        $"{settings.Host} refused user {credentials.Username} ({detail}). Check the user name and the password from {credentials.Source}.", e),
                "42P01" or "3F000" =>
                    new WrdsException(WrdsErrorKind.MissingTable, $"{subject}: the table does not exist ({detail}). Check the name and the CRSP format (SIZ or CIZ).", e),
                "42501" =>
                    new WrdsException(WrdsErrorKind.Permission,
                        $"{subject}: user {credentials.Username} has no permission ({detail}); your WRDS subscription may not include it.", e),
                "42703" =>
                    new WrdsException(WrdsErrorKind.SchemaMismatch, $"{subject}: a column the client needs is missing ({detail}); the table's layout has changed.", e),
                _ when pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal) =>
                    new WrdsException(WrdsErrorKind.ConnectionLost, $"{subject}: the server ended the connection while {doing} ({detail}).", e),
                _ => new WrdsException(WrdsErrorKind.QueryFailed, $"{subject}: the query failed while {doing} ({detail}).", e),
            };
        }

        if (doing == "logging in")
        {
            var reason = e.InnerException is TimeoutException || e is TimeoutException
                ? $"no answer within {settings.ConnectTimeoutSeconds} s (WRDS holds a login until its Duo push is approved; also check the network and VPN)"
                : e.InnerException?.Message ?? e.Message;
            return new WrdsException(WrdsErrorKind.Unreachable, $"Could not log in to {settings.Host}:{settings.Port} as {credentials.Username}: {reason}.", e);
        }

        if (e is NpgsqlException or IOException or TimeoutException)
        {
            return new WrdsException(WrdsErrorKind.ConnectionLost,
                $"{subject}: the connection dropped while {doing} ({e.InnerException?.Message ?? e.Message}). It is safe to retry; a new login may ask for Duo approval.", e);
        }

        return new WrdsException(WrdsErrorKind.SchemaMismatch, $"{subject}: unexpected data while {doing}{(rows is { } r ? $" at row {r + 1:N0}" : "")} ({e.Message}).", e);
    }

    private async Task<object?[]> QueryRowAsync(string sql, string what, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        var rows = await QueryAsync(sql, what, parameters, cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : throw new WrdsException(WrdsErrorKind.QueryFailed, $"{what}: the query returned no row.");
    }

    private async Task RateLimitAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        if (_lastQuery is { } last && settings.MinQueryInterval > TimeSpan.Zero && now - last < settings.MinQueryInterval)
        {
            await Task.Delay(settings.MinQueryInterval - (now - last), _clock, cancellationToken).ConfigureAwait(false);
        }

        _lastQuery = _clock.GetUtcNow();
    }

    private async Task DropIfBrokenAsync()
    {
        if (_connection is not null && _connection.FullState != ConnectionState.Open)
        {
            await DropConnectionAsync().ConfigureAwait(false);
        }
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is not null)
        {
            try
            {
                await _connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or IOException)
            {
                _logger.LogDebug(e, "Closing a broken WRDS connection");
            }

            _connection = null;
        }
    }
}

/// <summary>The planner's estimate for a query: rows and bytes (rows x average row width).</summary>
public sealed record WrdsEstimate(long Rows, long Bytes)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"~{Rows:N0} rows, ~{Bytes / 1048576.0:N1} MiB");
}
