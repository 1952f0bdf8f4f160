using System.Text.Json;

namespace Research.Data.Providers.Yahoo;

/// <summary>One daily bar as Yahoo's chart endpoint gives it, prices in the currency's main unit (see <see cref="YahooChart"/>).</summary>
/// <param name="Date">The session date in the exchange's time zone.</param>
/// <param name="Close">Close adjusted for splits (not for dividends) as of the day the response was made.</param>
/// <param name="AdjustedClose">Close adjusted for splits and dividends (Yahoo's "adjclose"), as of the same day.</param>
public readonly record struct YahooBar(DateOnly Date, double? Open, double? High, double? Low, double? Close, double? AdjustedClose, long? Volume);

/// <summary>A cash dividend per share, in the currency's main unit, on its ex-date.</summary>
public sealed record YahooDividend(DateOnly Date, double Amount);

/// <summary>A split of <see cref="Numerator"/> new shares for <see cref="Denominator"/> old ones (4:1 = 4, 1), on its date.</summary>
public sealed record YahooSplit(DateOnly Date, double Numerator, double Denominator);

/// <summary>A parsed chart response: the instrument, its currency as quoted and as reported, bars and corporate actions in date order.</summary>
/// <param name="QuotedCurrency">The currency code Yahoo quotes in (for example GBp, pence).</param>
/// <param name="Currency">The currency the prices here are in (GBp becomes GBP: prices divided by <see cref="UnitScale"/>).</param>
/// <param name="UnitScale">What Yahoo's prices were divided by: 100 for a minor unit (GBp, ZAc, ILA), else 1.</param>
public sealed record YahooChartSeries(
    string Symbol,
    string QuotedCurrency,
    string Currency,
    double UnitScale,
    string? ExchangeTimeZone,
    IReadOnlyList<YahooBar> Bars,
    IReadOnlyList<YahooDividend> Dividends,
    IReadOnlyList<YahooSplit> Splits);

/// <summary>A chart response that is not a usable series: Yahoo's own error, no result, or a body that is not the chart JSON.</summary>
public sealed class YahooChartException : Exception
{
    public YahooChartException()
    {
    }

    public YahooChartException(string message)
        : base(message)
    {
    }

    public YahooChartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Parses the JSON of Yahoo's v8 chart endpoint (<c>/v8/finance/chart/{symbol}?interval=1d&amp;events=div,splits</c>):
/// <list type="bullet">
/// <item>Timestamps are the session's open in UTC seconds; a bar's date is that instant in the exchange's time zone
/// (<c>exchangeTimezoneName</c>, else the response's fixed <c>gmtoffset</c>).</item>
/// <item>Prices quoted in a minor unit (GBp and GBX pence, ZAc cents, ILA agorot) are divided by 100 and reported in the
/// main unit (GBP, ZAR, ILS); dividends too. Volume is left as is.</item>
/// <item>A missing value (Yahoo writes null on halted days) stays null: never a zero.</item>
/// <item>Yahoo's <c>close</c> is split-adjusted as of the day the response was made and <c>adjclose</c> also for
/// dividends: neither is the price that traded then; development use only (no delisted names either).</item>
/// </list>
/// Failures name the source: Yahoo's error code and description, an empty result, or JSON that is not a chart.
/// </summary>
public static class YahooChart
{
    private static readonly Dictionary<string, string> MinorUnits = new(StringComparer.Ordinal)
    {
        ["GBp"] = "GBP",
        ["GBX"] = "GBP",
        ["ZAc"] = "ZAR",
        ["ILA"] = "ILS",
    };

    /// <param name="json">The response body.</param>
    /// <param name="source">Where it came from (a URL or a file), for the error messages.</param>
    public static YahooChartSeries Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new YahooChartException($"{source}: the response is not valid JSON ({e.Message}); a truncated download or an HTML error page?", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("chart", out var chart))
            {
                throw new YahooChartException($"{source}: no 'chart' object in the response: not a chart endpoint answer.");
            }

            if (chart.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                var code = error.TryGetProperty("code", out var c) ? c.ToString() : "unknown";
                var description = error.TryGetProperty("description", out var d) ? d.ToString() : string.Empty;
                throw new YahooChartException($"{source}: Yahoo answered with error {code}: {description}");
            }

            if (!chart.TryGetProperty("result", out var results) || results.ValueKind != JsonValueKind.Array || results.GetArrayLength() == 0)
            {
                throw new YahooChartException($"{source}: the response has no result (an unknown symbol or an empty range).");
            }

            return ParseResult(results[0], source);
        }
    }

    private static YahooChartSeries ParseResult(JsonElement result, string source)
    {
        var meta = result.GetProperty("meta");
        var symbol = meta.TryGetProperty("symbol", out var s) ? s.GetString() ?? "?" : "?";
        var quoted = meta.TryGetProperty("currency", out var cur) && cur.ValueKind == JsonValueKind.String ? cur.GetString()! : "USD";
        var (currency, scale) = MinorUnits.TryGetValue(quoted, out var major) ? (major, 100.0) : (quoted, 1.0);
        var zoneName = meta.TryGetProperty("exchangeTimezoneName", out var z) ? z.GetString() : null;
        var offset = meta.TryGetProperty("gmtoffset", out var g) && g.TryGetInt32(out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
        var zone = FindZone(zoneName);
        DateOnly DateOf(long unix)
        {
            var instant = DateTimeOffset.FromUnixTimeSeconds(unix);
            return DateOnly.FromDateTime(zone is null ? instant.ToOffset(offset).DateTime : TimeZoneInfo.ConvertTime(instant, zone).DateTime);
        }

        var bars = new List<YahooBar>();
        if (result.TryGetProperty("timestamp", out var stamps) && stamps.ValueKind == JsonValueKind.Array)
        {
            var indicators = result.GetProperty("indicators");
            var quote = indicators.GetProperty("quote")[0];
            JsonElement? adjusted = indicators.TryGetProperty("adjclose", out var adj) && adj.GetArrayLength() > 0 ? adj[0].GetProperty("adjclose") : null;
            var (open, high, low, close, volume) = (Column(quote, "open"), Column(quote, "high"), Column(quote, "low"), Column(quote, "close"), Column(quote, "volume"));
            var n = stamps.GetArrayLength();
            foreach (var (name, column) in new[] { ("open", open), ("high", high), ("low", low), ("close", close), ("volume", volume) })
            {
                if (column is { } values && values.GetArrayLength() != n)
                {
                    throw new YahooChartException($"{source}: {symbol} has {n} timestamps but {values.GetArrayLength()} '{name}' values: a truncated or inconsistent response.");
                }
            }

            for (var i = 0; i < n; i++)
            {
                bars.Add(new YahooBar(DateOf(stamps[i].GetInt64()), Price(open, i, scale), Price(high, i, scale), Price(low, i, scale), Price(close, i, scale), Price(adjusted, i, scale),
                    volume is { } v && v[i].ValueKind == JsonValueKind.Number ? (long)v[i].GetDouble() : null));
            }
        }

        var dividends = new List<YahooDividend>();
        var splits = new List<YahooSplit>();
        if (result.TryGetProperty("events", out var events))
        {
            if (events.TryGetProperty("dividends", out var divs))
            {
                dividends.AddRange(divs.EnumerateObject().Select(p => new YahooDividend(DateOf(p.Value.GetProperty("date").GetInt64()), p.Value.GetProperty("amount").GetDouble() / scale)));
            }

            if (events.TryGetProperty("splits", out var spl))
            {
                splits.AddRange(spl.EnumerateObject().Select(p => new YahooSplit(DateOf(p.Value.GetProperty("date").GetInt64()), p.Value.GetProperty("numerator").GetDouble(), p.Value.GetProperty("denominator").GetDouble())));
            }
        }

        return new YahooChartSeries(symbol, quoted, currency, scale, zoneName, bars, [.. dividends.OrderBy(d => d.Date)], [.. splits.OrderBy(x => x.Date)]);
    }

    private static JsonElement? Column(JsonElement quote, string name) => quote.TryGetProperty(name, out var column) && column.ValueKind == JsonValueKind.Array ? column : null;

    private static double? Price(JsonElement? column, int i, double scale) => column is { } values && i < values.GetArrayLength() && values[i].ValueKind == JsonValueKind.Number ? values[i].GetDouble() / scale : null;

    private static TimeZoneInfo? FindZone(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (TimeZoneNotFoundException)
        {
            return null; // the response's fixed offset is used instead
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }
}
