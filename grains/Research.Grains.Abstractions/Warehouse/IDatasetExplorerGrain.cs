using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Warehouse;

/// <summary>
/// The dataset explorer on the silo (key 0): datasets and their versions, a version's schema, first rows and coverage,
/// and read-only SQL through the bounded query session (one SELECT over pinned versions; row, byte, time and memory
/// limits; no file or network access). Every query and export is audited with its SQL; a refused query is audited as
/// refused and answered with an <see cref="ArgumentException"/> saying why.
/// </summary>
[Alias("research.warehouse.explorer")]
public interface IDatasetExplorerGrain : IGrainWithIntegerKey
{
    /// <summary>Query limits: rows shown at most.</summary>
    const int MaxRows = 10_000;

    /// <summary>Export limits: rows written at most.</summary>
    const int MaxExportRows = 200_000;

    /// <summary>Export limits: result text at most (the rows' text lengths; a grain message carries the file whole).</summary>
    const long MaxExportBytes = 48L << 20;

    /// <summary>Every dataset with its versions, ordered by name.</summary>
    [Alias("datasets")]
    [RequiresAction(ResearchActions.DatasetExplore)]
    Task<ExplorerDataset[]> ListAsync();

    /// <summary>A version's schema, first <paramref name="previewRows"/> rows (1 to 200) and coverage; the current version when <paramref name="versionId"/> is null.</summary>
    [Alias("describe")]
    [RequiresAction(ResearchActions.DatasetExplore)]
    Task<ExplorerDetail> DescribeAsync(string dataset, string? versionId, int previewRows);

    /// <summary>The dataset's quality over its last <paramref name="versions"/> versions (1 to 50): checks, NULL shares, failed findings, coverage gaps by month.</summary>
    [Alias("quality")]
    [RequiresAction(ResearchActions.DatasetExplore)]
    Task<QualityView> QualityAsync(string dataset, int versions);

    /// <summary>Runs one read-only SELECT (at most <see cref="MaxRows"/> rows); audited.</summary>
    [Alias("query")]
    [RequiresAction(ResearchActions.WarehouseQuery)]
    Task<ExplorerTable> QueryAsync(ExplorerQuery query);

    /// <summary>A query's result as <c>csv</c> or <c>parquet</c> (at most <see cref="MaxExportRows"/> rows and <see cref="MaxExportBytes"/> of text); audited.</summary>
    [Alias("export")]
    [RequiresAction(ResearchActions.WarehouseQuery)]
    Task<ExplorerExport> ExportAsync(ExplorerQuery query, string format);
}
