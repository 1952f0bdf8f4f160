using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Research.Data.Warehouse;

namespace Research.Analytics.Factors;

/// <summary>One stock's exposures in a stored snapshot.</summary>
public sealed record StoredExposure(int Permno, string Label, int Industry, double SizeBase, double[] Values);

/// <summary>A stored exposure snapshot: the latest on or before the date asked for.</summary>
public sealed record StoredSnapshot(DateOnly Date, IReadOnlyList<string> Factors, IReadOnlyList<StoredExposure> Stocks);

/// <summary>
/// Exposures as a warehouse table (<c>date, permno, label, industry, size_base, one column per factor</c>): published by
/// <c>research factors build</c> as <c>factors/exposures</c>, and by a risk fit as <c>risk/exposures</c>.
/// </summary>
public static class FactorExposuresStore
{
    public const string Dataset = "factors/exposures";

    public static (IReadOnlyList<ParquetColumnSpec> Columns, IReadOnlyList<Array> Data) Table(EquityPanel panel, FactorExposures exposures, DateOnly? through = null)
    {
        ArgumentNullException.ThrowIfNull(panel);
        ArgumentNullException.ThrowIfNull(exposures);
        var factors = exposures.Factors;
        var snapshots = exposures.Snapshots.Where(s => through is null || s.Date <= through).ToArray();
        var specs = new List<ParquetColumnSpec>
        {
            ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<string>("label"),
            ParquetColumnSpec.Of<int>("industry"), ParquetColumnSpec.Of<double>("size_base"),
        };
        specs.AddRange(factors.Select(ParquetColumnSpec.Of<double>));
        var data = new List<Array>
        {
            snapshots.SelectMany(s => Enumerable.Repeat(s.Date, s.Assets.Length)).ToArray(),
            snapshots.SelectMany(s => s.Assets.Select(i => panel.Ids[i])).ToArray(),
            snapshots.SelectMany(s => s.Assets.Select(i => panel.Labels[i])).ToArray(),
            snapshots.SelectMany(s => s.Industry).ToArray(),
            snapshots.SelectMany(s => s.Size).ToArray(),
        };
        for (var k = 0; k < factors.Count; k++)
        {
            var column = k;
            data.Add(snapshots.SelectMany(s => Enumerable.Range(0, s.Assets.Length).Select(a => s.Values[(a * factors.Count) + column])).ToArray());
        }

        return (specs, data);
    }

    public static Task<IReadOnlyList<DatasetManifest>> PublishAsync(WarehouseLayout layout, EquityPanel panel, FactorExposures exposures, FactorBuildOptions options, string by, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exposures);
        var (columns, data) = Table(panel, exposures);
        var first = exposures.Snapshots.Count > 0 ? exposures.Snapshots[0].Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "-";
        var last = exposures.Snapshots.Count > 0 ? exposures.Snapshots[^1].Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "-";
        var description = $"factors build {first}..{last} ({string.Join(", ", exposures.Factors)}) from {panel.Provenance}; options {JsonSerializer.Serialize(options)}";
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(description)))[..16];
        return DerivedDatasets.PublishAsync(layout, clock, by, description, id, [new DerivedTable(Dataset, columns, data)], cancellationToken);
    }

    /// <summary>The snapshot of <paramref name="dataset"/> with the latest date on or before <paramref name="date"/>.</summary>
    public static StoredSnapshot LoadAt(WarehouseQuerySession session, string dataset, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(session);
        var view = WarehouseQuerySession.ViewName(dataset);
        using var command = session.CreateTrustedCommand($"""
            SELECT * FROM {view} WHERE date = (SELECT max(date) FROM {view} WHERE date <= {DuckDbSql.Date(date)}) ORDER BY permno
            """);
        using var reader = command.ExecuteReader();
        var factors = Enumerable.Range(5, reader.FieldCount - 5).Select(reader.GetName).ToList();
        var stocks = new List<StoredExposure>();
        DateOnly? found = null;
        while (reader.Read())
        {
            found = reader.GetFieldValue<DateOnly>(0);
            stocks.Add(new StoredExposure(reader.GetInt32(1), reader.GetString(2), reader.GetInt32(3), reader.GetDouble(4), [.. Enumerable.Range(5, factors.Count).Select(reader.GetDouble)]));
        }

        if (found is null)
        {
            using var range = session.CreateTrustedCommand($"SELECT min(date), max(date) FROM {view}");
            using var r = range.ExecuteReader();
            r.Read();
            throw new ArgumentException(r.IsDBNull(0)
                ? $"{dataset} is empty."
                : $"{dataset} has snapshots from {r.GetFieldValue<DateOnly>(0):yyyy-MM-dd} to {r.GetFieldValue<DateOnly>(1):yyyy-MM-dd}; none on or before {date:yyyy-MM-dd}.");
        }

        return new StoredSnapshot(found.Value, factors, stocks);
    }
}
