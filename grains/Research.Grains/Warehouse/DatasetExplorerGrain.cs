using Orleans.Concurrency;
using Research.Data.Quality;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Security;
using Research.Grains.Abstractions.Warehouse;
using Research.Platform.Storage.Audit;

namespace Research.Grains.Warehouse;

/// <summary>
/// The dataset explorer (<see cref="IDatasetExplorerGrain"/>), orchestration only: versions come from
/// <see cref="DatasetVersions"/>, schema, rows and coverage from a <see cref="WarehouseQuerySession"/> pinned to the
/// version asked for (<see cref="DatasetCoverage"/>), files from <see cref="QueryExport"/>. DuckDB work runs on the
/// thread pool so a long query never holds the silo's scheduler.
/// </summary>
[StatelessWorker]
public sealed class DatasetExplorerGrain(WarehouseLayout layout, Research.Platform.Storage.Security.SecurityStorage security, TimeProvider clock, ExplorerOptions options) : Grain, IDatasetExplorerGrain
{
    /// <summary>Limits of the explorer's queries: the configured time (30 s by default), 1 GB of DuckDB memory, 16 MB of result text to show.</summary>
    private QueryLimits Limits => new(IDatasetExplorerGrain.MaxRows, options.QueryTimeout, "1GB") { MaxResultBytes = 16L << 20 };

    public Task<ExplorerDataset[]> ListAsync()
    {
        var versions = new DatasetVersions(layout, clock);
        return Task.FromResult(new WarehouseCatalog(layout).CurrentManifests().Select(current =>
            new ExplorerDataset(current.Dataset, WarehouseQuerySession.ViewName(current.Dataset), current.VersionId, [.. Versions(versions, current, versions.List(current.Dataset).Reverse())])).ToArray());
    }

    public async Task<QualityView> QualityAsync(string dataset, int versions)
    {
        if (versions is < 1 or > 50)
        {
            throw new ArgumentException($"versions: {versions} is not from 1 to 50.");
        }

        var current = Resolve(dataset, null);
        var store = new DatasetVersions(layout, clock);
        var all = store.List(dataset);
        var last = all.Skip(Math.Max(0, all.Count - versions)).ToList();
        return await Task.Run(() =>
        {
            var (columns, shares) = QualityHistory.NullShares(layout, dataset, last, clock);
            using var session = WarehouseQuerySession.OpenVersions(layout, new Dictionary<string, string> { [dataset] = current.VersionId }, Limits, clock);
            var coverage = DatasetCoverage.Compute(session, dataset);
            var findings = last.SelectMany(m => m.Validation.Where(f => !f.Passed).Select(f => new QualityFinding(m.VersionId, m.PublishedAt, m.Status, f.Rule, f.Column, f.Message)));
            return new QualityView(dataset, [.. Versions(store, current, last)], [.. columns], [.. shares], [.. findings],
                coverage is null ? [] : [.. QualityHistory.Calendar(coverage).Select(m => new QualityMonth(m.Year, m.Month, m.Expected, m.Missing))],
                coverage?.Frequency.ToString().ToLowerInvariant(), all.Count - last.Count);
        }).ConfigureAwait(true);
    }

    private static IEnumerable<ExplorerVersion> Versions(DatasetVersions store, DatasetManifest current, IEnumerable<DatasetManifest> versions)
    {
        var tags = store.Tags(current.Dataset).GroupBy(t => t.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(t => t.Key).Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        return versions.Select(m => new ExplorerVersion(
            m.VersionId, m.PublishedAt, m.PublishedBy, m.Source, m.Status, m.Rows, m.Bytes, m.Files.Count, m.Validation.Count,
            WarehouseCatalogGrain.Failed(m),
            m.VersionId == current.VersionId, tags.GetValueOrDefault(m.VersionId, [])));
    }

    public async Task<ExplorerDetail> DescribeAsync(string dataset, string? versionId, int previewRows)
    {
        if (string.IsNullOrWhiteSpace(dataset))
        {
            throw new ArgumentException("dataset: name a dataset (for example crsp/daily).");
        }

        if (previewRows is < 1 or > 200)
        {
            throw new ArgumentException($"preview rows: {previewRows} is not from 1 to 200.");
        }

        var manifest = Resolve(dataset, versionId);
        return await Task.Run(() =>
        {
            using var session = WarehouseQuerySession.OpenVersions(layout, new Dictionary<string, string> { [dataset] = manifest.VersionId }, Limits with { MaxRows = previewRows }, clock);
            var view = WarehouseQuerySession.ViewName(dataset);
            var quoted = string.Join('.', view.Split('.').Select(DuckDbSql.Identifier));
            var started = clock.GetTimestamp();
            var preview = session.Query($"SELECT * FROM {quoted} LIMIT {previewRows}");
            var table = Table(preview, started);
            var columns = preview.Columns.Zip(preview.Types, (n, t) => new ExplorerColumn(n, t)).ToArray();
            var coverage = DatasetCoverage.Compute(session, dataset);
            return new ExplorerDetail(dataset, manifest.VersionId, columns, table, coverage is null ? null : new ExplorerCoverage(
                coverage.DateColumn, coverage.SymbolColumn, coverage.First, coverage.Last, coverage.Frequency.ToString().ToLowerInvariant(),
                [.. coverage.Days.Select(d => d.Date)], [.. coverage.Days.Select(d => d.Rows)], [.. coverage.Days.Select(d => d.Symbols)],
                [.. coverage.Gaps.Select(g => new ExplorerGap(g.From, g.To, g.Periods))], coverage.MissingPeriods),
                coverage is null ? (manifest.Rows == 0 ? "The version has no rows." : "The dataset has no DATE column: coverage is not defined.") : null);
        }).ConfigureAwait(true);
    }

    public async Task<ExplorerTable> QueryAsync(ExplorerQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.MaxRows is < 1 or > IDatasetExplorerGrain.MaxRows)
        {
            throw new ArgumentException($"max rows: {query.MaxRows} is not from 1 to {IDatasetExplorerGrain.MaxRows:N0}.");
        }

        var (result, started) = await RunAsync(query, Limits with { MaxRows = query.MaxRows }, "query").ConfigureAwait(true);
        return Table(result, started);
    }

    public async Task<ExplorerExport> ExportAsync(ExplorerQuery query, string format)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!QueryExport.Formats.Contains(format))
        {
            throw new ArgumentException($"format: '{format}' is not one of {string.Join(", ", QueryExport.Formats)}.");
        }

        var limits = Limits with { MaxRows = IDatasetExplorerGrain.MaxExportRows, MaxResultBytes = IDatasetExplorerGrain.MaxExportBytes, Timeout = options.QueryTimeout * 2 };
        var (result, _) = await RunAsync(query, limits, "export " + format).ConfigureAwait(true);
        var name = $"query-{clock.GetUtcNow():yyyyMMdd-HHmmss}";
        if (format == "csv")
        {
            return new ExplorerExport(name + ".csv", "text/csv; charset=utf-8", System.Text.Encoding.UTF8.GetBytes(QueryExport.Csv(result)), result.Rows.Count, result.CutBy);
        }

        var bytes = await Task.Run(() => QueryExport.ParquetBytesAsync(result)).ConfigureAwait(true);
        return new ExplorerExport(name + ".parquet", "application/vnd.apache.parquet", bytes, result.Rows.Count, result.CutBy);
    }

    /// <summary>Opens a session at the versions asked for (current otherwise), runs the SQL on the thread pool, audits it either way.</summary>
    private async Task<(QueryResult Result, long Started)> RunAsync(ExplorerQuery query, QueryLimits limits, string what)
    {
        if (string.IsNullOrWhiteSpace(query.Sql))
        {
            throw new ArgumentException("sql: write one SELECT statement.");
        }

        var pins = new WarehouseCatalog(layout).CurrentManifests().ToDictionary(m => m.Dataset, m => m.VersionId, StringComparer.Ordinal);
        foreach (var (dataset, version) in query.Versions ?? [])
        {
            pins[dataset] = Resolve(dataset, version).VersionId;
        }

        var started = clock.GetTimestamp();
        var sql = query.Sql.Length > 2_000 ? query.Sql[..2_000] + "..." : query.Sql;
        try
        {
            var result = await Task.Run(() =>
            {
                using var session = WarehouseQuerySession.OpenVersions(layout, pins, limits, clock);
                return session.Query(query.Sql);
            }).ConfigureAwait(true);
            await AuditAsync("ok", null, $"{what}: {result.Rows.Count:N0} row(s){(result.CutBy is null ? string.Empty : ", cut by " + result.CutBy)}; {sql}").ConfigureAwait(true);
            return (result, started);
        }
        catch (QueryRejectedException e)
        {
            await AuditAsync("refused", e.Message, $"{what}; {sql}").ConfigureAwait(true);
            throw new ArgumentException(e.Message);
        }
    }

    private DatasetManifest Resolve(string dataset, string? versionId)
    {
        try
        {
            return new DatasetVersions(layout, clock).Resolve(dataset, string.IsNullOrWhiteSpace(versionId) ? VersionSelector.Current : VersionSelector.Version(versionId));
        }
        catch (Exception e) when (e is DatasetNotFoundException or VersionNotFoundException)
        {
            throw new ArgumentException(e.Message);
        }
    }

    private ExplorerTable Table(QueryResult result, long started) => new(
        [.. result.Columns], [.. result.Types],
        [.. result.Rows.Select(r => r.Select(v => v is null ? null : QueryExport.Text(v)).ToArray())],
        result.CutBy, result.Bytes, new Dictionary<string, string>(result.Versions, StringComparer.Ordinal),
        clock.GetElapsedTime(started).TotalMilliseconds);

    private async Task AuditAsync(string outcome, string? reason, string detail) =>
        await security.Audit.AppendAsync(new AuditEntry(CallerIdentity.Current?.Actor ?? "cluster", ResearchActions.WarehouseQuery, "warehouse", outcome, reason, CallerIdentity.Current?.Origin, detail)).ConfigureAwait(true);
}
