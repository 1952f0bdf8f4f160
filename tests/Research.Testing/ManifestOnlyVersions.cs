using Research.Data.Quality;
using Research.Data.Warehouse;

namespace Research.Testing;

/// <summary>
/// Publishes dataset versions whose manifest says <c>rows</c> rows in one file that is not Parquet: for tests of what
/// reads manifests only (catalog, validation history, alerts, reports), never of what reads the data.
/// </summary>
public static class ManifestOnlyVersions
{
    public static async Task<DatasetManifest> PublishAsync(DatasetPublisher publisher, string scratch, string dataset, long rows, bool quarantine,
        IReadOnlyList<ValidationFinding> validation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        var staged = Path.Combine(scratch, "staged-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staged);
        await File.WriteAllTextAsync(Path.Combine(staged, "part-0.parquet"), "rows", cancellationToken);
        return await publisher.PublishAsync(new PublishRequest(dataset, staged, new Dictionary<string, long> { ["part-0.parquet"] = rows }, [], "test", "tests")
        { Validation = validation, Quarantine = quarantine, QuarantineReason = quarantine ? "checks failed" : null }, cancellationToken);
    }
}
