namespace Research.Grains.Abstractions.Warehouse;

/// <summary>
/// One version of a dataset as the explorer lists it: when, by whom and from where it was published, its status
/// (published, quarantined, interrupted, abandoned), rows, bytes and files, its validation checks with the failed ones,
/// whether it is current, and the tags that point at it.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.ExplorerVersion")]
public sealed record ExplorerVersion(
    [property: Id(0)] string VersionId,
    [property: Id(1)] DateTimeOffset PublishedAt,
    [property: Id(2)] string PublishedBy,
    [property: Id(3)] string Source,
    [property: Id(4)] string Status,
    [property: Id(5)] long Rows,
    [property: Id(6)] long Bytes,
    [property: Id(7)] int Files,
    [property: Id(8)] int Checks,
    [property: Id(9)] string[] FailedChecks,
    [property: Id(10)] bool Current,
    [property: Id(11)] string[] Tags);

/// <summary>A dataset, its SQL view name (<c>crsp.daily</c>) and its versions, newest first.</summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.ExplorerDataset")]
public sealed record ExplorerDataset(
    [property: Id(0)] string Name,
    [property: Id(1)] string View,
    [property: Id(2)] string CurrentVersion,
    [property: Id(3)] ExplorerVersion[] Versions);

/// <summary>A column of a dataset version: its name and DuckDB type.</summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.ExplorerColumn")]
public sealed record ExplorerColumn([property: Id(0)] string Name, [property: Id(1)] string Type);

/// <summary>A run of missing periods (sessions, months, quarters or years) from <see cref="From"/> to <see cref="To"/>.</summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.ExplorerGap")]
public sealed record ExplorerGap([property: Id(0)] DateOnly From, [property: Id(1)] DateOnly To, [property: Id(2)] int Periods);

/// <summary>
/// Where a dataset version has data: the date and symbol columns used, first and last date, the frequency read from
/// the dates (daily, monthly, quarterly, annual), each date's rows and distinct symbols, and the gaps in between.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.ExplorerCoverage")]
public sealed record ExplorerCoverage(
    [property: Id(0)] string DateColumn,
    [property: Id(1)] string? SymbolColumn,
    [property: Id(2)] DateOnly First,
    [property: Id(3)] DateOnly Last,
    [property: Id(4)] string Frequency,
    [property: Id(5)] DateOnly[] Dates,
    [property: Id(6)] long[] Rows,
    [property: Id(7)] long[] Symbols,
    [property: Id(8)] ExplorerGap[] Gaps,
    [property: Id(9)] int MissingPeriods);

/// <summary>
/// A query's answer as text cells (NULL is null), with the column types, whether and why it was cut (<c>rows</c> or
/// <c>bytes</c>), its size, the dataset versions it read and how long it took.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.ExplorerTable")]
public sealed record ExplorerTable(
    [property: Id(0)] string[] Columns,
    [property: Id(1)] string[] Types,
    [property: Id(2)] string?[][] Rows,
    [property: Id(3)] string? CutBy,
    [property: Id(4)] long Bytes,
    [property: Id(5)] Dictionary<string, string> Versions,
    [property: Id(6)] double Milliseconds);

/// <summary>One dataset version opened in the explorer: its schema, its first rows, and its coverage (null with the reason when it has no date column).</summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.ExplorerDetail")]
public sealed record ExplorerDetail(
    [property: Id(0)] string Dataset,
    [property: Id(1)] string VersionId,
    [property: Id(2)] ExplorerColumn[] Columns,
    [property: Id(3)] ExplorerTable Preview,
    [property: Id(4)] ExplorerCoverage? Coverage,
    [property: Id(5)] string? CoverageNote);

/// <summary>
/// Read-only SQL over the warehouse: one SELECT, the datasets at their current versions except those pinned in
/// <see cref="Versions"/> (dataset -> version id), at most <see cref="MaxRows"/> rows.
/// </summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.ExplorerQuery")]
public sealed record ExplorerQuery(
    [property: Id(0)] string Sql,
    [property: Id(1)] Dictionary<string, string>? Versions = null,
    [property: Id(2)] int MaxRows = 1_000);

/// <summary>An exported query result: file name, content type, bytes, rows written and whether the export limit cut it.</summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.ExplorerExport")]
public sealed record ExplorerExport(
    [property: Id(0)] string FileName,
    [property: Id(1)] string ContentType,
    [property: Id(2)] byte[] Content,
    [property: Id(3)] int Rows,
    [property: Id(4)] string? CutBy);

/// <summary>A validation finding of one version that did not pass (an anomaly: a row-count drop, a NULL spike, a broken contract).</summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.QualityFinding")]
public sealed record QualityFinding(
    [property: Id(0)] string VersionId,
    [property: Id(1)] DateTimeOffset PublishedAt,
    [property: Id(2)] string Status,
    [property: Id(3)] string Rule,
    [property: Id(4)] string? Column,
    [property: Id(5)] string Message);

/// <summary>A calendar month of a version's coverage: the periods expected (NYSE sessions for daily data) and the missing ones.</summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.QualityMonth")]
public sealed record QualityMonth([property: Id(0)] int Year, [property: Id(1)] int Month, [property: Id(2)] int Expected, [property: Id(3)] int Missing);

/// <summary>
/// A dataset's quality over its last versions (oldest first): each version with its checks, the NULL share of every
/// column in every version (<see cref="NullShares"/>[version][column], null where the column is absent), every failed
/// finding, and the current version's coverage gaps by month (empty when it has no date column).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.warehouse.QualityView")]
public sealed record QualityView(
    [property: Id(0)] string Dataset,
    [property: Id(1)] ExplorerVersion[] Versions,
    [property: Id(2)] string[] Columns,
    [property: Id(3)] double?[][] NullShares,
    [property: Id(4)] QualityFinding[] Findings,
    [property: Id(5)] QualityMonth[] Calendar,
    [property: Id(6)] string? Frequency,
    [property: Id(7)] int OlderVersions);
