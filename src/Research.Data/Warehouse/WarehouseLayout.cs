namespace Research.Data.Warehouse;

/// <summary>
/// Where things live under the warehouse root (<c>Research:DataRoot</c>):
/// <c>&lt;dataset&gt;/CURRENT</c> names the current version;
/// <c>&lt;dataset&gt;/versions/&lt;id&gt;/</c> holds that version's files and <c>manifest.json</c>.
/// Dataset names are '/'-separated lower-case paths such as <c>crsp/daily</c> or <c>famafrench/factors_daily</c>.
/// </summary>
public sealed class WarehouseLayout
{
    /// <summary>Name of the current-version pointer file.</summary>
    public const string CurrentFileName = "CURRENT";

    /// <summary>Name of a version's manifest.</summary>
    public const string ManifestFileName = "manifest.json";

    public WarehouseLayout(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>Absolute warehouse root.</summary>
    public string Root { get; }

    /// <summary>Folder of a dataset.</summary>
    public string DatasetFolder(string dataset) => Path.Combine(Root, ValidateName(dataset).Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The CURRENT pointer of a dataset.</summary>
    public string CurrentFile(string dataset) => Path.Combine(DatasetFolder(dataset), CurrentFileName);

    /// <summary>Folder of one version.</summary>
    public string VersionFolder(string dataset, string versionId) => Path.Combine(DatasetFolder(dataset), "versions", versionId);

    /// <summary>Manifest of one version.</summary>
    public string ManifestFile(string dataset, string versionId) => Path.Combine(VersionFolder(dataset, versionId), ManifestFileName);

    /// <summary>Staging area for work in progress (never read by queries).</summary>
    public string StagingFolder => Path.Combine(Root, ".staging");

    /// <summary>Throws when a dataset name could escape the root or is not in the expected form.</summary>
    public static string ValidateName(string dataset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataset);
        var parts = dataset.Split('/');
        foreach (var part in parts)
        {
            if (part.Length == 0 || part is "." or ".." || part.StartsWith('.') || !part.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-'))
            {
                throw new ArgumentException($"Invalid dataset name '{dataset}': use lower-case letters, digits, '_' and '-' in '/'-separated parts.", nameof(dataset));
            }
        }

        return dataset;
    }
}
