using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Research.Data.Sync;
using Research.Data.Warehouse;

namespace Research.Data.Providers.Wrds;

/// <summary>What to pull from WRDS TAQ: sessions, optionally only some symbols, and how many sample days tier 3 keeps.</summary>
/// <param name="Days">NYSE sessions to pull.</param>
/// <param name="Symbols">Symbol roots, or null for every symbol of each day.</param>
/// <param name="KeepDays">Tier-3 retention: after the sync only the latest this many days of ticks stay in the new version
/// (days pulled now always stay); null keeps every day.</param>
public sealed record TaqPull(IReadOnlyList<DateOnly> Days, IReadOnlyList<string>? Symbols = null, int? KeepDays = null);

/// <summary>
/// WRDS TAQ as a sync source of tier 3 (<c>taq/trades</c> from <c>ctm_</c>, <c>taq/quotes</c> from <c>complete_nbbo_</c>), cleaned on
/// the server (<see cref="WrdsTaq"/>). Always incremental: the days of <see cref="TaqPull"/> are added to (or replace) the
/// current version's. A whole day is the chunk <c>date=YYYY-MM-DD/part-0.parquet</c>; a day of named symbols (an on-demand
/// pull) one chunk per symbol, <c>date=YYYY-MM-DD/sym-SYMBOL.parquet</c>, which a later whole-day pull replaces. Rows of
/// each chunk are counted exactly before the pull (the count validation holds the file to).
/// </summary>
public sealed class WrdsTaqSource(WrdsClient client, WarehouseLayout layout, TaqPull pull) : ISyncSource
{
    public const string Trades = "taq/trades";
    public const string Quotes = "taq/quotes";

    public string Name => "wrds-taq";

    public IReadOnlyList<string> Datasets { get; } = [Trades, Quotes];

    /// <summary>The day of a tier-3 file's path (relative to the version), or null when it is not a day's file.</summary>
    public static DateOnly? DayOf(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var start = relativePath.IndexOf("date=", StringComparison.Ordinal);
        return start >= 0 && relativePath.Length >= start + 15
            && DateOnly.TryParseExact(relativePath.AsSpan(start + 5, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
    }

    /// <summary>The symbol of an on-demand file (<c>sym-SYMBOL.parquet</c>), or null for a whole day's file.</summary>
    public static string? SymbolOf(string relativePath)
    {
        var name = Path.GetFileName(relativePath);
        return name.StartsWith("sym-", StringComparison.Ordinal) && name.EndsWith(".parquet", StringComparison.Ordinal) ? name[4..^8] : null;
    }

    public async Task<SyncPlan> PlanAsync(string dataset, SyncMode mode, string? sinceWatermark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pull);
        var chunks = new List<SyncChunk>();
        foreach (var day in pull.Days.Distinct().Order())
        {
            var table = dataset == Trades ? WrdsTaq.Trades(day) : WrdsTaq.Nbbo(day);
            await Retry(() => client.EnsureReadableAsync(table, cancellationToken)).ConfigureAwait(false);
            var id = "date=" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (pull.Symbols is null)
            {
                var rows = await Retry(() => client.QueryAsync($"SELECT count(*) FROM ({Sql(dataset, day, null)}) q", $"{table} (count)", cancellationToken)).ConfigureAwait(false);
                chunks.Add(new SyncChunk(id, id + "/part-0.parquet", Convert.ToInt64(rows[0][0], CultureInfo.InvariantCulture)));
                continue;
            }

            var counts = (await Retry(() => client.QueryAsync($"SELECT sym_root, count(*) FROM ({Sql(dataset, day, pull.Symbols)}) q GROUP BY 1", $"{table} (count)", cancellationToken)).ConfigureAwait(false))
                .ToDictionary(r => (string)r[0]!, r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
            foreach (var symbol in pull.Symbols.Select(WrdsTaq.SymbolRoot).Distinct().Order(StringComparer.Ordinal))
            {
                chunks.Add(new SyncChunk($"{id}/sym={symbol}", $"{id}/sym-{symbol}.parquet", counts.GetValueOrDefault(symbol)));
            }
        }

        var parent = new WarehouseCatalog(layout).ReadCurrent(dataset);
        var parentFiles = (parent?.Files ?? []).Select(f => (Relative: Relative(f.Path), Day: DayOf(f.Path))).Where(f => f.Day is not null).ToList();
        var pulledDays = pull.Days.ToHashSet();
        var retired = new List<string>();
        if (pull.Symbols is null)
        {
            // A whole day supersedes the on-demand files of that day.
            retired.AddRange(parentFiles.Where(f => pulledDays.Contains(f.Day!.Value) && SymbolOf(f.Relative) is not null).Select(f => f.Relative));
        }

        if (pull.KeepDays is { } keep)
        {
            var kept = parentFiles.Select(f => f.Day!.Value).Concat(pulledDays).Distinct().OrderDescending().Take(keep).ToHashSet();
            retired.AddRange(parentFiles.Where(f => !kept.Contains(f.Day!.Value) && !pulledDays.Contains(f.Day!.Value)).Select(f => f.Relative));
        }

        var settings = client.Settings;
        var description = $"wrds-taq({(dataset == Trades ? "ctm" : "complete_nbbo")}, {settings.Host}:{settings.Port}/{settings.Database}{(pull.Symbols is null ? "" : ", " + string.Join(' ', pull.Symbols))})";
        var hashInput = $"{description}|{string.Join(';', chunks.Select(c => $"{c.Id}={c.ExpectedRows}"))}|{string.Join(';', retired)}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(hashInput)))[..16];
        var watermark = new[] { pull.Days.Count == 0 ? null : pull.Days.Max().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), sinceWatermark }
            .Where(w => w is not null).Max(StringComparer.Ordinal);
        return new SyncPlan(hash, chunks, watermark, description) { Retired = retired.Distinct().ToList() };
    }

    public async Task<long> WriteChunkAsync(string dataset, SyncChunk chunk, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var day = DayOf(chunk.RelativePath) ?? throw new ArgumentException($"chunk {chunk.Id} names no day.", nameof(chunk));
        var symbol = SymbolOf(chunk.RelativePath);
        var sql = Sql(dataset, day, symbol is null ? null : [symbol]);
        return await Retry(() => client.CopyToParquetAsync(sql, dataset == Trades ? WrdsTaq.TradeColumns : WrdsTaq.QuoteColumns, path, $"{dataset} {chunk.Id}", null, cancellationToken)).ConfigureAwait(false);
    }

    private static string Sql(string dataset, DateOnly day, IReadOnlyCollection<string>? symbols) => dataset switch
    {
        Trades => WrdsTaq.TradesSql(day, symbols),
        Quotes => WrdsTaq.QuotesSql(day, symbols),
        _ => throw new ArgumentException($"{dataset} does not come from WRDS TAQ (taq/trades or taq/quotes).", nameof(dataset)),
    };

    /// <summary>The path inside the version (drops <c>versions/vX/</c>).</summary>
    private static string Relative(string manifestPath)
    {
        var parts = manifestPath.Split('/');
        return parts.Length > 2 && parts[0] == "versions" ? string.Join('/', parts[2..]) : manifestPath;
    }

    private static async Task<T> Retry<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (WrdsException e) when (e.IsTransient)
        {
            throw new TransientSourceException(e.Message, e);
        }
    }

    private static async Task Retry(Func<Task> call) => await Retry(async () =>
    {
        await call().ConfigureAwait(false);
        return true;
    }).ConfigureAwait(false);
}
