using System.Text.Json;

namespace Research.Data.Warehouse;

/// <summary>
/// Pins: named sets of (dataset, version) that a stored result read (<c>&lt;DataRoot&gt;/.pins/&lt;name&gt;.json</c>).
/// Garbage collection never deletes a pinned version, so every stored result stays reproducible.
/// </summary>
public sealed class WarehousePins(WarehouseLayout layout)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private string Folder => Path.Combine(layout.Root, ".pins");

    public Task PinAsync(string name, IReadOnlyDictionary<string, string> versionsByDataset, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ArgumentException($"Invalid pin name '{name}'.", nameof(name));
        }

        return DurableFile.WriteAsync(Path.Combine(Folder, name + ".json"), JsonSerializer.Serialize(versionsByDataset, JsonOptions), cancellationToken);
    }

    public void Unpin(string name) => File.Delete(Path.Combine(Folder, name + ".json"));

    /// <summary>Versions of a dataset named by any pin.</summary>
    public IEnumerable<string> PinnedVersions(string dataset)
    {
        if (!Directory.Exists(Folder))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(Folder, "*.json"))
        {
            var pins = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file), JsonOptions)
                ?? throw new InvalidDataException($"Pin file {file} is empty.");
            if (pins.TryGetValue(dataset, out var version))
            {
                yield return version;
            }
        }
    }
}
