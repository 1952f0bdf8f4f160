namespace Research.Data.Registry;

/// <summary>One file of a model version and its checksum.</summary>
public sealed record ModelFile(string Path, string Sha256, long Bytes);

/// <summary>
/// What a model version is (<c>manifest.json</c> in its folder, format version 1): kind, the training period and data
/// versions it was built from, its metrics and checks, its files with their SHA-256, the code version that built it, who
/// and when. Written once at registration, never changed.
/// </summary>
public sealed record ModelManifest(
    int Format,
    string Name,
    int Version,
    string Kind,
    string Description,
    DateOnly? TrainedFrom,
    DateOnly? TrainedTo,
    IReadOnlyDictionary<string, string> DataVersions,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, bool> Checks,
    IReadOnlyList<ModelFile> Files,
    string CodeVersion,
    string CreatedBy,
    DateTimeOffset CreatedAt);

/// <summary>A model's states: the production version (or none), the staged and archived ones, and every change.</summary>
public sealed record ModelRegistryState(
    string Name,
    int? Production,
    IReadOnlyList<int> Staged,
    IReadOnlyList<int> Archived,
    IReadOnlyDictionary<int, string> ManifestSha256,
    IReadOnlyList<ModelRegistryEvent> History);

/// <summary>A change of state: register, promote, rollback; with who, when and why.</summary>
public sealed record ModelRegistryEvent(DateTimeOffset At, string By, string Action, int Version, int? PreviousProduction, string? Reason);

/// <summary>A promotion gate: the metric must be at least <paramref name="Minimum"/>.</summary>
public sealed record PromotionGate(string Metric, double Minimum);

/// <summary>A model version whose files were checked against its manifest, and the manifest against the registry.</summary>
public sealed record LoadedModel(ModelManifest Manifest, string Folder)
{
    /// <summary>The full path of one of the model's files (checked at load).</summary>
    public string PathOf(string file) => System.IO.Path.Combine(Folder, file);
}

/// <summary>A model's artifact or manifest does not match what was registered: it was changed after registration.</summary>
public sealed class ModelIntegrityException : Exception
{
    public ModelIntegrityException()
    {
    }

    public ModelIntegrityException(string message)
        : base(message)
    {
    }

    public ModelIntegrityException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
