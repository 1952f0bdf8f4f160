using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Research.Data.Sync;
using Research.Data.Warehouse;

namespace Research.Data.Etl;

/// <summary>
/// Fetched rows as a sync source for <c>prices/daily</c> or <c>yahoo/daily</c>, one chunk per calendar year
/// (<c>year=YYYY/part-0.parquet</c>). Planned under the sync manager's write lock against the version current then:
/// <list type="bullet">
/// <item>Full: every year of the fetched rows.</item>
/// <item>Incremental: a row is new when its symbol is not in the current version or its date is after the symbol's last
/// date there. Only the years with new rows are written, each as the current version's rows of that year plus the new
/// ones (old rows are kept as they were stored, never refetched values); the other years are carried over.</item>
/// </list>
/// The watermark is the last date in the version.
/// </summary>
public sealed class PriceTableSyncSource(WarehouseLayout layout, string target, PriceTable fetched, string description) : ISyncSource
{
    private readonly Dictionary<int, List<PriceTable.Row>> _years = [];

    public string Name => "etl";

    public IReadOnlyList<string> Datasets => [target];

    /// <summary>New rows found by the last plan.</summary>
    public int NewRows { get; private set; }

    /// <summary>How many rows of <paramref name="table"/> the current version of <paramref name="dataset"/> does not have yet.</summary>
    public static int CountNewRows(WarehouseLayout layout, string dataset, PriceTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var isNew = NewRowTest(layout, dataset);
        var count = 0;
        foreach (var row in table.Rows)
        {
            count += isNew(row) ? 1 : 0;
        }

        return count;
    }

    /// <summary>Whether a row is new against the current version: its symbol is not there, or its date is after the symbol's last.</summary>
    private static Func<PriceTable.Row, bool> NewRowTest(WarehouseLayout layout, string dataset)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var last = PriceTable.LastDates(ParentFiles(layout, dataset, null));
        return r => !last.TryGetValue(r.Symbol, out var d) || r.Date > d;
    }

    public Task<SyncPlan> PlanAsync(string dataset, SyncMode mode, string? sinceWatermark, CancellationToken cancellationToken)
    {
        _years.Clear();
        var isNew = mode == SyncMode.Full ? (_ => true) : NewRowTest(layout, dataset);
        var symbols = new HashSet<string>(StringComparer.Ordinal);
        DateOnly? newestDate = null;
        NewRows = 0;
        foreach (var row in fetched.Rows)
        {
            if (!isNew(row))
            {
                continue;
            }

            if (!_years.TryGetValue(row.Date.Year, out var year))
            {
                _years[row.Date.Year] = year = [];
            }

            year.Add(row);
            symbols.Add(row.Symbol);
            newestDate = newestDate is { } n && n >= row.Date ? n : row.Date;
            NewRows++;
        }

        if (mode == SyncMode.Incremental)
        {
            foreach (var (y, year) in _years)
            {
                year.AddRange(PriceTable.Read(ParentFiles(layout, dataset, y)));
            }
        }

        var chunks = _years.OrderBy(y => y.Key)
            .Select(y => new SyncChunk(string.Create(CultureInfo.InvariantCulture, $"year={y.Key}"), string.Create(CultureInfo.InvariantCulture, $"year={y.Key}/part-0.parquet"), y.Value.Count))
            .ToList();
        var carriedLast = mode == SyncMode.Incremental ? new WarehouseCatalog(layout).ReadCurrent(dataset)?.Watermark : null;
        var newest = newestDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var watermark = new[] { carriedLast, newest }.Where(w => w is not null).DefaultIfEmpty(null).Max(StringComparer.Ordinal);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{dataset}|{mode}|{NewRows}|{watermark}|{string.Join(',', symbols.Order(StringComparer.Ordinal))}"))))[..16];
        return Task.FromResult(new SyncPlan(hash, chunks, watermark, description));
    }

    public async Task<long> WriteChunkAsync(string dataset, SyncChunk chunk, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var year = int.Parse(chunk.Id.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture);
        return await PriceTable.WriteAsync(path, _years[year], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The current version's files (of one year, or all).</summary>
    private static List<string> ParentFiles(WarehouseLayout layout, string dataset, int? year)
    {
        var parent = new WarehouseCatalog(layout).ReadCurrent(dataset);
        return parent is null
            ? []
            : [.. parent.Files
                .Where(f => year is null || f.Path.Contains(string.Create(CultureInfo.InvariantCulture, $"/year={year}/"), StringComparison.Ordinal))
                .Select(f => Path.Combine(layout.DatasetFolder(dataset), f.Path))];
    }
}
