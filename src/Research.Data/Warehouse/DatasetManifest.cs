namespace Research.Data.Warehouse;

/// <summary>
/// The manifest of one immutable dataset version (<c>&lt;dataset&gt;/versions/&lt;id&gt;/manifest.json</c>):
/// which files make it up, with checksums and row counts, where it came from and what it was built on.
/// </summary>
public sealed record DatasetManifest
{
    /// <summary>Manifest format version: 2 (file paths relative to the dataset folder); 1 had paths relative to the version folder.</summary>
    public int SchemaVersion { get; init; } = 2;

    /// <summary>Dataset name, e.g. <c>crsp/daily</c>.</summary>
    public required string Dataset { get; init; }

    /// <summary>Version id (sortable by publication time).</summary>
    public required string VersionId { get; init; }

    /// <summary>The version this one was built on, or null for the first.</summary>
    public string? ParentVersion { get; init; }

    /// <summary>When the version was published (UTC).</summary>
    public required DateTimeOffset PublishedAt { get; init; }

    /// <summary>Who published it (user or service).</summary>
    public required string PublishedBy { get; init; }

    /// <summary>Source, e.g. <c>synthetic(seed=42, stocks=500, years=5)</c> or <c>wrds</c>.</summary>
    public required string Source { get; init; }

    /// <summary><c>published</c>, or <c>quarantined</c> for a version that failed validation (kept for inspection, never current).</summary>
    public string Status { get; init; } = DatasetManifest.Published;

    /// <summary>Status of a version that may become current.</summary>
    public const string Published = "published";

    /// <summary>Status of a version that failed validation.</summary>
    public const string Quarantined = "quarantined";

    /// <summary>Hash of what was asked of the source (query, options), so a result can say exactly what was pulled.</summary>
    public string? SourceQueryHash { get; init; }

    /// <summary>High-water mark of the source data (e.g. the last date), the start of the next incremental sync.</summary>
    public string? Watermark { get; init; }

    /// <summary>Quality checks run before publishing (failed ones explain a quarantine).</summary>
    public IReadOnlyList<Research.Data.Quality.ValidationFinding> Validation { get; init; } = [];

    /// <summary>Files relative to the dataset folder ('/'-separated, e.g. <c>versions/v.../year=2024/part-0.parquet</c>), in a
    /// stable order. A version may list files of an earlier version (unchanged partitions are shared, never copied).</summary>
    public required IReadOnlyList<ManifestFile> Files { get; init; }

    /// <summary>Total rows over all files.</summary>
    public long Rows => Files.Sum(f => f.Rows);

    /// <summary>Total bytes over all files.</summary>
    public long Bytes => Files.Sum(f => f.Bytes);
}

/// <summary>One file of a dataset version.</summary>
/// <param name="Path">Path relative to the dataset folder, '/'-separated.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file's bytes.</param>
/// <param name="Rows">Rows in the file.</param>
/// <param name="Bytes">File size.</param>
public sealed record ManifestFile(string Path, string Sha256, long Rows, long Bytes);
