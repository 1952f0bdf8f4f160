using System.Text.Json;

namespace Research.Data.Warehouse;

/// <summary>Reads which datasets exist and their current versions (read-only; never touches data files).</summary>
public sealed class WarehouseCatalog(WarehouseLayout layout)
{
    /// <summary>The current manifest of every dataset under the root, ordered by name.</summary>
    public IReadOnlyList<DatasetManifest> CurrentManifests()
    {
        if (!Directory.Exists(layout.Root))
        {
            return [];
        }

        var result = new List<DatasetManifest>();
        foreach (var current in Directory.EnumerateFiles(layout.Root, WarehouseLayout.CurrentFileName, new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 4 }))
        {
            var folder = Path.GetDirectoryName(current)!;
            var dataset = Path.GetRelativePath(layout.Root, folder).Replace(Path.DirectorySeparatorChar, '/');
            if (dataset.StartsWith('.'))
            {
                continue;
            }

            var manifest = ReadCurrent(dataset);
            if (manifest is not null)
            {
                result.Add(manifest);
            }
        }

        return [.. result.OrderBy(m => m.Dataset, StringComparer.Ordinal)];
    }

    /// <summary>The current manifest of a dataset, or null when it has never been published.</summary>
    public DatasetManifest? ReadCurrent(string dataset)
    {
        var version = ReadCurrentVersionId(layout, dataset);
        return version is null ? null : ReadVersion(dataset, version);
    }

    /// <summary>
    /// The newest version of a dataset: a version written after <paramref name="current"/> (a quarantined one, which a
    /// failed validation kept from becoming current), or the current one itself. Version ids sort by time.
    /// </summary>
    public DatasetManifest Newest(DatasetManifest current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var versions = Path.Combine(layout.DatasetFolder(current.Dataset), "versions");
        var later = Directory.Exists(versions)
            ? Directory.EnumerateDirectories(versions).Select(Path.GetFileName).Where(v => string.CompareOrdinal(v, current.VersionId) > 0 && File.Exists(layout.ManifestFile(current.Dataset, v!))).Max(StringComparer.Ordinal)
            : null;
        return later is null ? current : ReadVersion(current.Dataset, later);
    }

    /// <summary>The manifest of one version; throws naming the file when it is missing or malformed.</summary>
    public DatasetManifest ReadVersion(string dataset, string versionId)
    {
        var file = layout.ManifestFile(dataset, versionId);
        if (!File.Exists(file))
        {
            throw new InvalidDataException($"Dataset '{dataset}': manifest of version {versionId} is missing ({file}).");
        }

        try
        {
            var manifest = JsonSerializer.Deserialize<DatasetManifest>(File.ReadAllText(file), DatasetPublisher.JsonOptions)
                ?? throw new InvalidDataException($"Dataset '{dataset}': manifest {file} is empty.");
            return manifest.SchemaVersion >= 2
                ? manifest
                : manifest with { SchemaVersion = 2, Files = [.. manifest.Files.Select(f => f with { Path = $"versions/{versionId}/{f.Path}" })] };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Dataset '{dataset}': manifest {file} is not valid JSON: {e.Message}", e);
        }
    }

    internal static string? ReadCurrentVersionId(WarehouseLayout layout, string dataset)
    {
        var file = layout.CurrentFile(dataset);
        if (!File.Exists(file))
        {
            return null;
        }

        var id = File.ReadAllText(file).Trim();
        return id.Length == 0 ? null : id;
    }
}
