using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Research.Data.Sync;

namespace Research.Data.Providers.Wrds;

/// <summary>
/// WRDS as a sync source. Daily and fundamental tables are pulled in yearly chunks (<c>year=YYYY/part-0.parquet</c>)
/// split on their date column; small tables (names, delistings, links, factors) in one chunk. Before a pull the
/// source checks every table it reads exists and is readable, logs the planner's size estimate, and counts the
/// rows of each chunk exactly (the count is what validation holds the streamed file to). An incremental sync
/// re-pulls from the year of the current version's watermark (its last date) on and keeps the earlier years.
/// Dropped connections become <see cref="TransientSourceException"/> so the sync manager retries with backoff;
/// other server errors stop the sync with the client's message, leaving the current version untouched.
/// </summary>
public sealed class WrdsSyncSource(WrdsClient client, CrspFormat format = CrspFormat.Auto, ILogger? logger = null) : IStreamingSyncSource
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private CrspFormat _resolved = format;

    public string Name => "wrds";

    public IReadOnlyList<string> Datasets => WrdsDatasetQueries.Datasets;

    /// <summary>The CRSP format in use (resolves <see cref="CrspFormat.Auto"/> by asking the server).</summary>
    public async Task<CrspFormat> FormatAsync(CancellationToken cancellationToken)
    {
        if (_resolved == CrspFormat.Auto)
        {
            var rows = await client.QueryAsync("SELECT has_table_privilege(to_regclass('crsp.dsf_v2'), 'SELECT') IS TRUE", "CRSP format detection", cancellationToken).ConfigureAwait(false);
            _resolved = rows[0][0] is true ? CrspFormat.Ciz : CrspFormat.Siz;
        }

        return _resolved;
    }

    /// <summary>The dataset's query in the resolved CRSP format.</summary>
    public async Task<WrdsDatasetQuery> QueryForAsync(string dataset, CancellationToken cancellationToken) =>
        WrdsDatasetQueries.For(dataset, await FormatAsync(cancellationToken).ConfigureAwait(false));

    /// <summary>Checks the tables and returns the planner's estimate of the whole dataset (no rows read).</summary>
    public async Task<WrdsEstimate> EstimateAsync(string dataset, CancellationToken cancellationToken)
    {
        var query = await QueryForAsync(dataset, cancellationToken).ConfigureAwait(false);
        foreach (var table in query.Tables)
        {
            await client.EnsureReadableAsync(table, cancellationToken).ConfigureAwait(false);
        }

        return await client.EstimateAsync(query.Sql(), dataset, cancellationToken).ConfigureAwait(false);
    }

    public Task<SyncPlan> PlanAsync(string dataset, SyncMode mode, string? sinceWatermark, CancellationToken cancellationToken) =>
        RetryableAsync(() => PlanCoreAsync(dataset, mode, sinceWatermark, cancellationToken));

    /// <summary>Runs a call to WRDS, turning its transient errors (a dropped connection) into the sync manager's retry signal.</summary>
    private static async Task<T> RetryableAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (WrdsException e) when (e.IsTransient)
        {
            throw new TransientSourceException(e.Message, e);
        }
    }

    private async Task<SyncPlan> PlanCoreAsync(string dataset, SyncMode mode, string? sinceWatermark, CancellationToken cancellationToken)
    {
        var query = await QueryForAsync(dataset, cancellationToken).ConfigureAwait(false);
        var estimate = await EstimateAsync(dataset, cancellationToken).ConfigureAwait(false);
        _logger.LogInformation("{Dataset}: planner estimate {Estimate}", dataset, estimate);
        var chunks = new List<SyncChunk>();
        string? watermark = null;
        if (query.DateColumn is null)
        {
            var count = await client.QueryAsync($"SELECT count(*) FROM ({query.Sql()}) q", dataset, cancellationToken).ConfigureAwait(false);
            chunks.Add(new SyncChunk("all", "part-0.parquet", Convert.ToInt64(count[0][0], CultureInfo.InvariantCulture)));
        }
        else
        {
            DateOnly? since = mode == SyncMode.Incremental && TryParseWatermark(sinceWatermark) is { } last ? new DateOnly(last.Year, 1, 1) : null;
            var filter = query.Filter is null ? "" : $" AND {query.Filter}";
            var sinceSql = since is { } s ? $" AND {query.DateColumn} >= DATE '{s:yyyy-MM-dd}'" : "";
            var from = query.Select[query.Select.LastIndexOf(" FROM ", StringComparison.Ordinal)..];
            var years = await client.QueryAsync(
                $"SELECT extract(year FROM {query.DateColumn})::integer, count(*), max({query.DateColumn}){from} WHERE {query.DateColumn} IS NOT NULL{filter}{sinceSql} GROUP BY 1 ORDER BY 1",
                dataset, cancellationToken).ConfigureAwait(false);
            foreach (var row in years)
            {
                var year = (int)row[0]!;
                chunks.Add(new SyncChunk(string.Create(CultureInfo.InvariantCulture, $"year={year}"), string.Create(CultureInfo.InvariantCulture, $"year={year}/part-0.parquet"),
                    Convert.ToInt64(row[1], CultureInfo.InvariantCulture)));
                watermark = ToDate(row[2]).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }

            watermark ??= sinceWatermark;
        }

        var resolved = await FormatAsync(cancellationToken).ConfigureAwait(false);
        var settings = client.Settings;
        var description = $"wrds({string.Join('+', query.Tables)}, {resolved.ToString().ToUpperInvariant()}, {settings.Host}:{settings.Port}/{settings.Database})";
        var hashInput = $"wrds|{description}|{query.Sql()}|{string.Join(';', chunks.Select(c => $"{c.Id}={c.ExpectedRows}"))}|{watermark}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hashInput)))[..16];
        return new SyncPlan(hash, chunks, watermark, description);
    }

    public async Task<long> WriteChunkAsync(string dataset, SyncChunk chunk, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var query = await QueryForAsync(dataset, cancellationToken).ConfigureAwait(false);
        var sql = chunk.Id == "all" || query.DateColumn is null
            ? query.Sql()
            : query.Sql(new DateOnly(YearOf(chunk.Id), 1, 1), new DateOnly(YearOf(chunk.Id) + 1, 1, 1));
        return await RetryableAsync(() => client.CopyToParquetAsync(sql, query.Columns, path, $"{dataset} chunk {chunk.Id}", null, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>All remaining yearly chunks from one COPY (a server-side scan per year costs far more than one scan),
    /// split into files as the stream passes each year.</summary>
    public async Task WriteChunksAsync(string dataset, IReadOnlyList<SyncChunk> chunks, Func<SyncChunk, string> pathFor, Func<SyncChunk, long, Task> chunkWritten, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentNullException.ThrowIfNull(pathFor);
        ArgumentNullException.ThrowIfNull(chunkWritten);
        var query = await QueryForAsync(dataset, cancellationToken).ConfigureAwait(false);
        if (query.YearColumn is null || chunks.Any(c => !c.Id.StartsWith("year=", StringComparison.Ordinal)))
        {
            foreach (var chunk in chunks)
            {
                await chunkWritten(chunk, await WriteChunkAsync(dataset, chunk, pathFor(chunk), cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            }

            return;
        }

        var byYear = chunks.ToDictionary(c => YearOf(c.Id));
        var sql = query.Sql(new DateOnly(byYear.Keys.Min(), 1, 1), new DateOnly(byYear.Keys.Max() + 1, 1, 1));
        SyncChunk ChunkOf(int year) => byYear.TryGetValue(year, out var chunk) ? chunk
            : throw new WrdsException(WrdsErrorKind.SchemaMismatch, $"{dataset}: the server returned rows for {year}, which the plan did not count (the table changed during the sync); run the sync again.");
        await RetryableAsync(() => client.CopyToParquetByYearAsync(sql, query.Columns, query.YearColumn, year => pathFor(ChunkOf(year)),
            (year, rows) => chunkWritten(ChunkOf(year), rows), $"{dataset} chunks {chunks[0].Id}..{chunks[^1].Id}", cancellationToken)).ConfigureAwait(false);
    }

    private static int YearOf(string chunkId) => int.Parse(chunkId.AsSpan("year=".Length), CultureInfo.InvariantCulture);

    private static DateOnly? TryParseWatermark(string? watermark) =>
        DateOnly.TryParseExact(watermark, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    private static DateOnly ToDate(object? value) => value switch
    {
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        _ => throw new WrdsException(WrdsErrorKind.SchemaMismatch, $"Expected a date, got {value?.GetType().Name ?? "NULL"}."),
    };
}
