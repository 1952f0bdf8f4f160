using Research.Core.Calendars;
using Research.Data.Sync;
using Research.Data.Warehouse;

namespace Research.Data.Tests.Sync;

/// <summary>
/// A test source for <c>crsp/daily</c>: 40 permnos over the 2024 sessions, one chunk per quarter, with an
/// optional fault injected into the data, a crash after some chunks, or transient errors.
/// </summary>
internal sealed class ScriptedSource(string fault = "none", int permnos = 40) : ISyncSource
{
    private int _transientLeft;

    public string Name => "scripted";

    public IReadOnlyList<string> Datasets => ["crsp/daily"];

    /// <summary>Throw a non-transient error (a crash) when asked for this chunk index.</summary>
    public int? CrashAtChunk { get; init; }

    /// <summary>Fail this many times with a transient error before each success.</summary>
    public int TransientFailures
    {
        get => _transientLeft;
        init => _transientLeft = value;
    }

    public int Calls { get; private set; }

    public static IReadOnlyList<DateOnly> Sessions { get; } = NyseCalendar.Instance.Sessions(new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31));

    public Task<SyncPlan> PlanAsync(string dataset, SyncMode mode, string? sinceWatermark, CancellationToken cancellationToken)
    {
        var chunks = Enumerable.Range(1, 4).Select(q => new SyncChunk($"q={q}", $"q={q}/part-0.parquet", (long)permnos * Sessions.Count(s => (s.Month + 2) / 3 == q))).ToList();
        return Task.FromResult(new SyncPlan($"scripted-{fault}-{permnos}", chunks, "q=4", "scripted test source"));
    }

    public async Task<long> WriteChunkAsync(string dataset, SyncChunk chunk, string path, CancellationToken cancellationToken)
    {
        Calls++;
        var index = int.Parse(chunk.Id[2..], System.Globalization.CultureInfo.InvariantCulture);
        if (CrashAtChunk == index)
        {
            throw new InvalidOperationException($"simulated crash while writing {chunk.Id}");
        }

        if (_transientLeft > 0)
        {
            _transientLeft--;
            throw new TransientSourceException("connection reset by peer");
        }

        var dates = Sessions.Where(s => (s.Month + 2) / 3 == index).ToList();
        if (fault == "missing-session" && index == 2)
        {
            dates.RemoveAt(10);
        }

        var rows = (from d in dates from p in Enumerable.Range(10001, permnos) select (Permno: p, Date: d)).ToList();
        if (fault == "fewer-rows")
        {
            rows = rows.Where((_, i) => i % 10 != 0).ToList();
        }

        if (fault == "duplicate-keys" && index == 1)
        {
            rows.Add(rows[0]);
        }

        var n = rows.Count;
        double Price(int i) => fault == "bad-price" && i == 5 ? 5_000_000 : (fault == "cents" ? 100 : 1) * (20 + (rows[i].Permno % 7) + (0.01 * (i % 13)));
        double? Ret(int i) => fault == "null-spike" && i % 3 == 0 ? null : 0.001 * ((i % 11) - 5);
        var specs = new List<ParquetColumnSpec>
        {
            ParquetColumnSpec.Of<int>("permno"), ParquetColumnSpec.Of<int>("permco"), ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.Of<int>("hexcd"),
            fault == "changed-type" ? ParquetColumnSpec.Of<string>("prc") : ParquetColumnSpec.Of<double>("prc"),
            ParquetColumnSpec.OfNullable<double>("openprc"), ParquetColumnSpec.OfNullable<double>("ret"), ParquetColumnSpec.Of<double>("retx"),
            ParquetColumnSpec.Of<double>("vol"), ParquetColumnSpec.Of<double>("shrout"), ParquetColumnSpec.Of<double>("cfacpr"), ParquetColumnSpec.Of<double>("cfacshr"),
        };
        var columns = new List<Array>
        {
            rows.Select(r => r.Permno).ToArray(), rows.Select(r => r.Permno + 40000).ToArray(), rows.Select(r => r.Date).ToArray(), Enumerable.Repeat(1, n).ToArray(),
            fault == "changed-type" ? Enumerable.Range(0, n).Select(i => Price(i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray() : Enumerable.Range(0, n).Select(Price).ToArray(),
            Enumerable.Range(0, n).Select(i => (double?)Price(i)).ToArray(), Enumerable.Range(0, n).Select(Ret).ToArray(), Enumerable.Range(0, n).Select(i => 0.001 * ((i % 11) - 5)).ToArray(),
            Enumerable.Repeat(1000.0, n).ToArray(), Enumerable.Repeat(500.0, n).ToArray(), Enumerable.Repeat(1.0, n).ToArray(), Enumerable.Repeat(1.0, n).ToArray(),
        };
        if (fault == "missing-column")
        {
            specs.RemoveAt(6);
            columns.RemoveAt(6);
        }

        var writer = await ParquetTableWriter.CreateAsync(path, specs, cancellationToken);
        await using (writer)
        {
            await writer.WriteRowGroupAsync(columns, cancellationToken);
            await writer.CompleteAsync();
        }

        if (fault == "truncated" && index == 3)
        {
            var bytes = await File.ReadAllBytesAsync(path, cancellationToken);
            await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)], cancellationToken);
        }

        return fault == "fewer-rows" ? chunk.ExpectedRows : n;
    }
}
