using System.Text.Json;

namespace Research.Data.Warehouse;

/// <summary>
/// Append-only history of a dataset (<c>&lt;dataset&gt;/history.jsonl</c>): every move of <c>CURRENT</c>, tag and
/// quarantine. Time travel by timestamp reads the pointer moves from here, so a rollback is honoured too.
/// </summary>
public static class DatasetHistory
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    public static string PathFor(WarehouseLayout layout, string dataset) => Path.Combine(layout.DatasetFolder(dataset), "history.jsonl");

    public static void Append(WarehouseLayout layout, string dataset, DatasetHistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var path = PathFor(layout, dataset);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        var line = JsonSerializer.SerializeToUtf8Bytes(entry, JsonOptions);
        stream.Write(line);
        stream.WriteByte((byte)'\n');
        stream.Flush(flushToDisk: true);
    }

    /// <summary>All entries in order; a torn last line (crash while appending) is ignored.</summary>
    public static IReadOnlyList<DatasetHistoryEntry> Read(WarehouseLayout layout, string dataset)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var path = PathFor(layout, dataset);
        if (!File.Exists(path))
        {
            return [];
        }

        var list = new List<DatasetHistoryEntry>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                list.Add(JsonSerializer.Deserialize<DatasetHistoryEntry>(line, JsonOptions)!);
            }
            catch (JsonException)
            {
                // torn write of the last line
            }
        }

        return list;
    }
}
