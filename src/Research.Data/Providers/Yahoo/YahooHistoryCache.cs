using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet;
using Research.Data.Warehouse;

namespace Research.Data.Providers.Yahoo;

/// <summary>What the cache holds for one symbol: the series as Yahoo gave it on <see cref="FetchedAt"/>, and the range asked for.</summary>
/// <param name="From">First day the cached request covered (bars start on the first session on or after it).</param>
/// <param name="To">Last day covered: a later request up to this day is answered from the cache.</param>
public sealed record YahooCacheEntry(YahooChartSeries Series, DateOnly From, DateOnly To, DateTimeOffset FetchedAt);

/// <summary>
/// A local Parquet cache of Yahoo series, one symbol per pair of files under <see cref="Folder"/>:
/// <c>SYMBOL.parquet</c> (date, open, high, low, close, adjclose, volume, as Yahoo gave them, in the main currency unit)
/// and <c>SYMBOL.json</c> (currency, time zone, the covered range, when it was fetched, dividends, splits, and the
/// Parquet file's row count and SHA-256). Both are written under temporary names and renamed, the JSON last; an entry
/// whose Parquet file does not match its JSON (a crash between the two renames, a hand edit) is reported as absent, so
/// it is fetched again rather than served wrong. Symbols are stored upper case; characters outside
/// <c>A-Z 0-9 . - = ^</c> are escaped in file names.
/// </summary>
public sealed class YahooHistoryCache(string folder)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>Cached symbols (upper case), sorted.</summary>
    public IReadOnlyList<string> Symbols() => !Directory.Exists(Folder)
        ? []
        : [.. Directory.EnumerateFiles(Folder, "*.json").Select(f => Unescape(Path.GetFileNameWithoutExtension(f))).Order(StringComparer.Ordinal)];

    /// <summary>The entry of <paramref name="symbol"/>, or null when there is none or its files disagree.</summary>
    public async Task<YahooCacheEntry?> ReadAsync(string symbol, CancellationToken cancellationToken = default)
    {
        var (parquet, meta) = Files(symbol);
        if (!File.Exists(meta) || !File.Exists(parquet))
        {
            return null;
        }

        Stored? stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(await File.ReadAllTextAsync(meta, cancellationToken).ConfigureAwait(false), Json);
        }
        catch (JsonException)
        {
            return null; // torn or edited: fetched again
        }

        if (stored is null || stored.Sha256 != await DurableFile.Sha256Async(parquet, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var bars = await ReadBarsAsync(parquet, cancellationToken).ConfigureAwait(false);
        if (bars.Count != stored.Rows)
        {
            return null;
        }

        var series = new YahooChartSeries(stored.Symbol, stored.QuotedCurrency, stored.Currency, stored.UnitScale, stored.TimeZone, bars, stored.Dividends, stored.Splits);
        return new YahooCacheEntry(series, stored.From, stored.To, stored.FetchedAt);
    }

    /// <summary>Replaces the entry of the series' symbol: Parquet first, then the JSON that vouches for it, each renamed into place.</summary>
    public async Task WriteAsync(YahooCacheEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Directory.CreateDirectory(Folder);
        var (parquet, meta) = Files(entry.Series.Symbol);
        var bars = entry.Series.Bars;
        await ParquetTableWriter.WriteFileAsync(parquet,
            [
                ParquetColumnSpec.Of<DateOnly>("date"), ParquetColumnSpec.OfNullable<double>("open"), ParquetColumnSpec.OfNullable<double>("high"),
                ParquetColumnSpec.OfNullable<double>("low"), ParquetColumnSpec.OfNullable<double>("close"), ParquetColumnSpec.OfNullable<double>("adjclose"),
                ParquetColumnSpec.OfNullable<double>("volume"),
            ],
            [
                bars.Select(b => b.Date).ToArray(), bars.Select(b => b.Open).ToArray(), bars.Select(b => b.High).ToArray(), bars.Select(b => b.Low).ToArray(),
                bars.Select(b => b.Close).ToArray(), bars.Select(b => b.AdjustedClose).ToArray(), bars.Select(b => (double?)b.Volume).ToArray(),
            ],
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var s = entry.Series;
        var stored = new Stored(s.Symbol.ToUpperInvariant(), s.QuotedCurrency, s.Currency, s.UnitScale, s.ExchangeTimeZone, entry.From, entry.To, entry.FetchedAt,
            bars.Count, await DurableFile.Sha256Async(parquet, cancellationToken).ConfigureAwait(false), [.. s.Dividends], [.. s.Splits]);
        await DurableFile.WriteAsync(meta, JsonSerializer.Serialize(stored, Json), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The two files of a symbol.</summary>
    public (string Parquet, string Json) Files(string symbol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(symbol);
        var name = Escape(symbol.Trim().ToUpperInvariant());
        return (Path.Combine(Folder, name + ".parquet"), Path.Combine(Folder, name + ".json"));
    }

    private static async Task<List<YahooBar>> ReadBarsAsync(string file, CancellationToken cancellationToken)
    {
        var reader = await ParquetReader.CreateAsync(file, new ParquetOptions { UseDateOnlyTypeForDates = true }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var fields = reader.Schema.GetDataFields();
            var bars = new List<YahooBar>();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var n = (int)group.RowCount;
                var date = new DateOnly[n];
                await group.ReadAsync<DateOnly>(fields[0], date, null, cancellationToken).ConfigureAwait(false);
                var values = new double?[6][];
                for (var c = 0; c < 6; c++)
                {
                    values[c] = new double?[n];
                    await group.ReadAsync<double>(fields[c + 1], values[c].AsMemory(), null, cancellationToken).ConfigureAwait(false);
                }

                for (var i = 0; i < n; i++)
                {
                    bars.Add(new YahooBar(date[i], values[0][i], values[1][i], values[2][i], values[3][i], values[4][i], values[5][i] is { } v ? (long)v : null));
                }
            }

            return bars;
        }
    }

    private static string Escape(string symbol)
    {
        var text = new StringBuilder(symbol.Length);
        foreach (var ch in symbol)
        {
            if (char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '=' or '^')
            {
                text.Append(ch);
            }
            else
            {
                text.Append('_').Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    private static string Unescape(string name)
    {
        var text = new StringBuilder(name.Length);
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '_' && i + 4 < name.Length && int.TryParse(name.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
            {
                text.Append((char)code);
                i += 4;
            }
            else
            {
                text.Append(name[i]);
            }
        }

        return text.ToString();
    }

    private sealed record Stored(
        string Symbol, string QuotedCurrency, string Currency, double UnitScale, string? TimeZone, DateOnly From, DateOnly To, DateTimeOffset FetchedAt,
        int Rows, string Sha256, List<YahooDividend> Dividends, List<YahooSplit> Splits);
}
