using DuckDB.NET.Data;

namespace Research.Data.Warehouse;

/// <summary>
/// A read-only view of the warehouse pinned when it opens:
/// 1. Resolve every dataset to one version (current, a version id, a tag, or as of a time) and keep its manifest.
/// 2. Open an in-memory DuckDB connection and expose each dataset as a view over exactly the pinned files
///    (<c>crsp/daily</c> becomes <c>crsp.daily</c>, WRDS-style); a sync publishing meanwhile is invisible.
/// 3. Lock the connection down: only the pinned files are readable (<c>allowed_paths</c>), all other file and
///    network access is off, and the configuration is locked so that SQL cannot undo it.
/// 4. User SQL must be one SELECT statement (checked by DuckDB's own parser) that calls none of the functions that
///    show the session's settings, catalog or paths (<see cref="HiddenFunction"/>); results are cut at a row limit and
///    at a byte limit (each row's size is computed by DuckDB and read before the row's values are), the query is
///    interrupted at a time limit, and error messages name the warehouse root as <c>&lt;warehouse&gt;</c>.
/// </summary>
public sealed class WarehouseQuerySession : IDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly QueryLimits _limits;
    private readonly string _root;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, object> _remembered = new(StringComparer.Ordinal);

    private WarehouseQuerySession(DuckDBConnection connection, IReadOnlyDictionary<string, DatasetManifest> pinned, QueryLimits limits, string root)
    {
        _connection = connection;
        Pinned = pinned;
        _limits = limits;
        _root = root;
    }

    /// <summary>The version of each dataset this session reads.</summary>
    public IReadOnlyDictionary<string, DatasetManifest> Pinned { get; }

    /// <summary>SQL name of a dataset's view: <c>crsp/daily</c> -> <c>crsp.daily</c>.</summary>
    public static string ViewName(string dataset)
    {
        var slash = dataset.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? $"main.{dataset}" : $"{dataset[..slash]}.{dataset[(slash + 1)..].Replace('/', '_')}";
    }

    /// <summary>
    /// Pins every dataset (or those in <paramref name="datasets"/>) with <paramref name="selector"/>. Without an explicit
    /// list, datasets the selector does not resolve for (not existing at an as-of time, without the tag or version) are left out.
    /// </summary>
    public static WarehouseQuerySession Open(WarehouseLayout layout, VersionSelector selector, QueryLimits limits, TimeProvider clock, IReadOnlyCollection<string>? datasets = null)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(limits);
        var versions = new DatasetVersions(layout, clock);
        var names = datasets ?? new WarehouseCatalog(layout).CurrentManifests().Select(m => m.Dataset).ToList();
        var pinned = new Dictionary<string, DatasetManifest>(StringComparer.Ordinal);
        foreach (var dataset in names)
        {
            try
            {
                pinned[dataset] = versions.Resolve(dataset, selector);
            }
            catch (VersionNotFoundException) when (datasets is null && selector != VersionSelector.Current)
            {
                // Not every dataset existed at that time, has that tag or that version: leave it out.
            }
        }

        return OpenPinned(layout, pinned, limits);
    }

    /// <summary>
    /// Pins each dataset at exactly the version id given for it (dataset -> version id), as a stored job recorded them;
    /// a version that no longer exists fails naming the dataset and version.
    /// </summary>
    public static WarehouseQuerySession OpenVersions(WarehouseLayout layout, IReadOnlyDictionary<string, string> versionIds, QueryLimits limits, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(versionIds);
        ArgumentNullException.ThrowIfNull(limits);
        var versions = new DatasetVersions(layout, clock);
        var pinned = new Dictionary<string, DatasetManifest>(StringComparer.Ordinal);
        foreach (var (dataset, versionId) in versionIds)
        {
            pinned[dataset] = versions.Resolve(dataset, VersionSelector.Version(versionId));
        }

        return OpenPinned(layout, pinned, limits);
    }

    private static WarehouseQuerySession OpenPinned(WarehouseLayout layout, Dictionary<string, DatasetManifest> pinned, QueryLimits limits)
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        try
        {
            // Views bind (read Parquet footers) when created; caching the footers spares the query a second read.
            Execute(connection, "SET parquet_metadata_cache = true");
            var allowed = new List<string>();
            var schemas = new HashSet<string>(StringComparer.Ordinal) { "main" };
            foreach (var (dataset, manifest) in pinned)
            {
                var files = manifest.Files.Select(f => Path.Combine(layout.DatasetFolder(dataset), f.Path.Replace('/', Path.DirectorySeparatorChar))).ToList();
                var missing = files.FirstOrDefault(f => !File.Exists(f));
                if (missing is not null)
                {
                    throw new InvalidDataException($"Dataset '{dataset}' version {manifest.VersionId}: file {missing} listed in its manifest is missing.");
                }

                allowed.AddRange(files);
                var view = ViewName(dataset);
                var schema = view[..view.IndexOf('.', StringComparison.Ordinal)];
                if (schemas.Add(schema))
                {
                    Execute(connection, $"CREATE SCHEMA {DuckDbSql.Identifier(schema)}");
                }

                Execute(connection, files.Count == 0
                    ? $"CREATE VIEW {QuoteView(view)} AS SELECT NULL LIMIT 0"
                    : $"CREATE VIEW {QuoteView(view)} AS SELECT * FROM read_parquet({DuckDbSql.List(files)})");
            }

            Execute(connection, $"SET memory_limit = '{limits.MemoryLimit.Replace("'", string.Empty, StringComparison.Ordinal)}'");
            if (allowed.Count > 0)
            {
                Execute(connection, $"SET allowed_paths = {DuckDbSql.List(allowed)}");
            }

            Execute(connection, "SET enable_external_access = false");
            Execute(connection, "SET lock_configuration = true");
            return new WarehouseQuerySession(connection, pinned, limits, layout.Root);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Runs one user SELECT within the session's limits.</summary>
    public QueryResult Query(string sql, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql);
        RequireSingleSelect(sql);
        var body = sql.TrimEnd().TrimEnd(';');
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_limits.Timeout);
        try
        {
            // The user's own column names (a wrapping subquery would rename duplicates).
            var columns = new List<string>();
            var types = new List<string>();
            using (var describe = _connection.CreateCommand())
            {
                describe.CommandText = "DESCRIBE " + body + "\n";
                using var described = describe.ExecuteReader();
                while (described.Read())
                {
                    columns.Add(described.GetString(0));
                    types.Add(described.GetString(1));
                }
            }

            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT __research_q.*, strlen(CAST(__research_q AS VARCHAR)) FROM (\n{body}\n) AS __research_q";
            // Streamed: rows are produced as they are read, so a cut at the row or byte limit stops the work there
            // (a materialised result would run the whole query first, up to the time or memory limit).
            command.UseStreamingMode = true;
            using var registration = timeout.Token.Register(command.Cancel);
            using var reader = command.ExecuteReader();
            var width = reader.FieldCount - 1;
            var rows = new List<object?[]>();
            string? cutBy = null;
            long bytes = 0;
            while (reader.Read())
            {
                if (rows.Count == _limits.MaxRows)
                {
                    cutBy = "rows";
                    break;
                }

                var size = reader.IsDBNull(width) ? 0 : reader.GetInt64(width);
                if (bytes + size > _limits.MaxResultBytes)
                {
                    if (rows.Count == 0)
                    {
                        throw new QueryRejectedException($"The first row is {size:N0} bytes, more than the result limit of {_limits.MaxResultBytes:N0} bytes: select fewer or shorter columns.");
                    }

                    cutBy = "bytes";
                    break;
                }

                bytes += size;
                var row = new object?[width];
                for (var i = 0; i < width; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                rows.Add(row);
            }

            return new QueryResult(columns, types, rows, cutBy is not null, Pinned.ToDictionary(p => p.Key, p => p.Value.VersionId, StringComparer.Ordinal)) { CutBy = cutBy, Bytes = bytes };
        }
        catch (Exception e) when (e is DuckDBException or OperationCanceledException && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new QueryRejectedException($"Query stopped after the time limit of {_limits.Timeout.TotalSeconds:F0} s.", e);
        }
        catch (DuckDBException e)
        {
            throw new QueryRejectedException($"Query failed: {Hide(FirstLine(e.Message))}", e);
        }
    }

    /// <summary>
    /// Functions user SQL may not call: they show the session's settings (among them the absolute paths of the pinned
    /// files), its catalog (the views' definitions hold the same paths) or the environment.
    /// </summary>
    public static bool HiddenFunction(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var n = name.ToLowerInvariant();
        return n is "current_setting" or "getenv" or "which_secret" or "glob" or "sniff_csv"
            || n.StartsWith("duckdb_", StringComparison.Ordinal) || n.StartsWith("pragma_", StringComparison.Ordinal);
    }

    /// <summary>Runs trusted SQL written by the platform (not user input), e.g. a provider's universe query.</summary>
    public DuckDBCommand CreateTrustedCommand(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    /// <summary>
    /// A fact about the pinned data computed once per session (the pinned versions never change, so neither does the
    /// answer): for example the date range of <c>crsp.daily</c>, which a point-in-time query checks every time.
    /// </summary>
    public T Remember<T>(string key, Func<T> compute)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(compute);
        return (T)_remembered.GetOrAdd(key, _ => compute());
    }

    public void Dispose() => _connection.Dispose();

    private void RequireSingleSelect(string sql)
    {
        using var check = _connection.CreateCommand();
        check.CommandText = "SELECT (j->>'error')::BOOLEAN, coalesce(json_array_length(j->'statements'), 0), j->>'error_message', j::VARCHAR FROM (SELECT json_serialize_sql($sql::VARCHAR)::JSON AS j)";
        check.Parameters.Add(new DuckDBParameter("sql", sql));
        using var reader = check.ExecuteReader();
        reader.Read();
        if (reader.GetBoolean(0))
        {
            var message = reader.IsDBNull(2) ? "not a query" : reader.GetString(2);
            throw new QueryRejectedException(message.Contains("Only SELECT", StringComparison.Ordinal)
                ? "Only SELECT queries are allowed: the warehouse is read-only."
                : $"Query rejected: {Hide(FirstLine(message))}");
        }

        if (reader.GetInt64(1) != 1)
        {
            throw new QueryRejectedException($"Send exactly one SELECT statement (got {reader.GetInt64(1)}).");
        }

        var tree = reader.IsDBNull(3) ? null : reader.GetString(3);
        if (tree is not null)
        {
            using var json = System.Text.Json.JsonDocument.Parse(tree, new System.Text.Json.JsonDocumentOptions { MaxDepth = 4096 });
            if (FunctionNames(json.RootElement).FirstOrDefault(HiddenFunction) is { } hidden)
            {
                throw new QueryRejectedException($"Function {hidden}() is not available in warehouse queries: it shows the session's settings, catalog or files.");
            }
        }
    }

    private static IEnumerable<string> FunctionNames(System.Text.Json.JsonElement element)
    {
        switch (element.ValueKind)
        {
            case System.Text.Json.JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "function_name" && property.Value.ValueKind == System.Text.Json.JsonValueKind.String)
                    {
                        yield return property.Value.GetString()!;
                    }

                    foreach (var name in FunctionNames(property.Value))
                    {
                        yield return name;
                    }
                }

                break;
            case System.Text.Json.JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var name in FunctionNames(item))
                    {
                        yield return name;
                    }
                }

                break;
        }
    }

    /// <summary>A message with the warehouse root replaced by <c>&lt;warehouse&gt;</c>.</summary>
    private string Hide(string message) => message.Replace(_root, "<warehouse>", StringComparison.Ordinal);

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string QuoteView(string view)
    {
        var dot = view.IndexOf('.', StringComparison.Ordinal);
        return DuckDbSql.Identifier(view[..dot]) + "." + DuckDbSql.Identifier(view[(dot + 1)..]);
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
