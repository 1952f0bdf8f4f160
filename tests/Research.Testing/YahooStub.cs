using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Research.Testing;

/// <summary>
/// A local stand-in for Yahoo's v8 chart endpoint (HttpListener on 127.0.0.1): each symbol has a "tape" (a chart JSON,
/// recorded or built by <see cref="Chart"/>) and a request gets the tape's bars and events inside its
/// <c>period1..period2</c>, the way Yahoo answers; an unknown symbol gets Yahoo's 404 body. Faults queued with
/// <see cref="Fail"/> are served first (a status, a body such as a truncated JSON, a Retry-After). Every request's
/// path and query is kept in <see cref="Requests"/>.
/// </summary>
public sealed class YahooStub : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, string> _tapes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Queue<(string? Symbol, int Status, string Body, string? RetryAfter)> _faults = new();
    private readonly List<string> _requests = [];
    private readonly Task _loop;

    public YahooStub()
    {
        Port = FreePorts.Next();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The recorded responses in <c>../shared/data/yahoo_chart</c>.</summary>
    public static string Recorded(string file) =>
        File.ReadAllText(Path.Combine(TestEnvironment.RequireRealData(), "yahoo_chart", "node-yahoo-finance2", "response_bodies", file));

    /// <summary>Serves <paramref name="chartJson"/> (cut to each request's range) for <paramref name="symbol"/>.</summary>
    public YahooStub Tape(string symbol, string chartJson)
    {
        lock (_tapes)
        {
            _tapes[symbol] = chartJson;
        }

        return this;
    }

    /// <summary>Answers the next request (for <paramref name="symbol"/>, or any) with this status and body.</summary>
    public YahooStub Fail(int status, string body, string? retryAfter = null, string? symbol = null)
    {
        lock (_faults)
        {
            _faults.Enqueue((symbol, status, body, retryAfter));
        }

        return this;
    }

    /// <summary>
    /// A chart JSON like Yahoo's for a US listing: bars at 09:30 New York (14:30 UTC, which is the same day in New York
    /// in both winter and summer), prices as given (split-adjusted), adjclose, volume, dividends and splits.
    /// </summary>
    public static string Chart(string symbol, string currency, IEnumerable<(DateOnly Date, double Close, double AdjClose, long Volume)> bars,
        IEnumerable<(DateOnly Date, double Amount)>? dividends = null, IEnumerable<(DateOnly Date, int Numerator, int Denominator)>? splits = null)
    {
        var list = bars.ToList();
        static long Unix(DateOnly d) => new DateTimeOffset(d.ToDateTime(new TimeOnly(14, 30)), TimeSpan.Zero).ToUnixTimeSeconds();
        var events = new JsonObject();
        if (dividends?.ToList() is { Count: > 0 } divs)
        {
            events["dividends"] = new JsonObject(divs.Select(d => KeyValuePair.Create(Unix(d.Date).ToString(CultureInfo.InvariantCulture), (JsonNode?)new JsonObject { ["amount"] = d.Amount, ["date"] = Unix(d.Date) })));
        }

        if (splits?.ToList() is { Count: > 0 } spl)
        {
            events["splits"] = new JsonObject(spl.Select(s => KeyValuePair.Create(Unix(s.Date).ToString(CultureInfo.InvariantCulture),
                (JsonNode?)new JsonObject { ["date"] = Unix(s.Date), ["numerator"] = s.Numerator, ["denominator"] = s.Denominator, ["splitRatio"] = $"{s.Numerator}:{s.Denominator}" })));
        }

        var result = new JsonObject
        {
            ["meta"] = new JsonObject { ["currency"] = currency, ["symbol"] = symbol, ["exchangeTimezoneName"] = "America/New_York", ["gmtoffset"] = -18000, ["dataGranularity"] = "1d" },
            ["timestamp"] = new JsonArray([.. list.Select(b => (JsonNode?)Unix(b.Date))]),
            ["events"] = events,
            ["indicators"] = new JsonObject
            {
                ["quote"] = new JsonArray(new JsonObject
                {
                    ["open"] = new JsonArray([.. list.Select(b => (JsonNode?)b.Close)]),
                    ["high"] = new JsonArray([.. list.Select(b => (JsonNode?)b.Close)]),
                    ["low"] = new JsonArray([.. list.Select(b => (JsonNode?)b.Close)]),
                    ["close"] = new JsonArray([.. list.Select(b => (JsonNode?)b.Close)]),
                    ["volume"] = new JsonArray([.. list.Select(b => (JsonNode?)b.Volume)]),
                }),
                ["adjclose"] = new JsonArray(new JsonObject { ["adjclose"] = new JsonArray([.. list.Select(b => (JsonNode?)b.AdjClose)]) }),
            },
        };
        return new JsonObject { ["chart"] = new JsonObject { ["result"] = new JsonArray(result), ["error"] = null } }.ToJsonString();
    }

    /// <summary>
    /// A chart JSON of traded daily bars (CRSP's, say) the way Yahoo presents them: closes and dividends divided by the
    /// splits after their day, splits as n:2. Faults can be planted: a close factor per bar index, dividends left out, days left out.
    /// </summary>
    public static string AsYahooShowsIt(string symbol, IReadOnlyList<Research.Data.Fetching.DailyBar> bars, Func<int, double>? closeFactor = null,
        Func<DateOnly, bool>? keepDividend = null, Func<int, bool>? keepDay = null)
    {
        ArgumentNullException.ThrowIfNull(bars);
        double Later(DateOnly date) => bars.Where(b => b.Date > date && b.SplitRatio is not null).Aggregate(1.0, (f, b) => f * b.SplitRatio!.Value);
        var rows = bars.Select((b, i) => (b, i)).Where(p => (keepDay?.Invoke(p.i) ?? true) && p.b.Close is not null)
            .Select(p => (p.b.Date, p.b.Close!.Value / Later(p.b.Date) * (closeFactor?.Invoke(p.i) ?? 1), p.b.Close!.Value / Later(p.b.Date), 1000L));
        return Chart(symbol, "USD", rows,
            dividends: bars.Where(b => b.Dividend is not null && (keepDividend?.Invoke(b.Date) ?? true)).Select(b => (b.Date, b.Dividend!.Value / Later(b.Date))),
            splits: bars.Where(b => b.SplitRatio is not null).Select(b => (b.Date, (int)Math.Round(b.SplitRatio!.Value * 2), 2)));
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
    }

    /// <summary>The tape's bars and events in [period1, period2).</summary>
    private static string Cut(string tape, long from, long to)
    {
        var root = JsonNode.Parse(tape)!;
        var result = root["chart"]!["result"]![0]!;
        var stamps = result["timestamp"]?.AsArray().Select(t => t!.GetValue<long>()).ToList() ?? [];
        var keep = stamps.Select((t, i) => (t, i)).Where(p => p.t >= from && p.t < to).Select(p => p.i).ToList();
        result["timestamp"] = new JsonArray([.. keep.Select(i => (JsonNode?)stamps[i])]);
        foreach (var holder in new[] { result["indicators"]!["quote"]![0]!, result["indicators"]!["adjclose"]?[0] })
        {
            if (holder is not JsonObject columns)
            {
                continue;
            }

            foreach (var name in columns.Select(c => c.Key).ToList())
            {
                var values = columns[name]!.AsArray();
                columns[name] = new JsonArray([.. keep.Select(i => values[i]?.DeepClone())]);
            }
        }

        if (result["events"] is JsonObject events)
        {
            foreach (var kind in events.Select(e => e.Key).ToList())
            {
                var items = events[kind]!.AsObject();
                events[kind] = new JsonObject(items.Where(e => e.Value!["date"]!.GetValue<long>() is var d && d >= from && d < to)
                    .Select(e => KeyValuePair.Create(e.Key, e.Value?.DeepClone())).ToList());
            }
        }

        return root.ToJsonString();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            var path = context.Request.Url!.AbsolutePath;
            lock (_requests)
            {
                _requests.Add(context.Request.RawUrl!);
            }

            var symbol = Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
            (int Status, string Body, string? RetryAfter) reply;
            lock (_faults)
            {
                reply = _faults.Count > 0 && (_faults.Peek().Symbol is null || string.Equals(_faults.Peek().Symbol, symbol, StringComparison.OrdinalIgnoreCase))
                    ? _faults.Dequeue() is var f ? (f.Status, f.Body, f.RetryAfter) : default
                    : Answer(symbol, context.Request.QueryString);
            }

            context.Response.StatusCode = reply.Status;
            if (reply.RetryAfter is not null)
            {
                context.Response.AddHeader("Retry-After", reply.RetryAfter);
            }

            var bytes = Encoding.UTF8.GetBytes(reply.Body);
            try
            {
                await context.Response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
                context.Response.Close();
            }
            catch (HttpListenerException)
            {
                // the client went away
            }
        }
    }

    private (int, string, string?) Answer(string symbol, System.Collections.Specialized.NameValueCollection query)
    {
        string? tape;
        lock (_tapes)
        {
            _tapes.TryGetValue(symbol, out tape);
        }

        if (tape is null)
        {
            return (404, """{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}""", null);
        }

        var from = long.Parse(query["period1"] ?? "0", CultureInfo.InvariantCulture);
        var to = long.Parse(query["period2"] ?? long.MaxValue.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return (200, Cut(tape, from, to), null);
    }
}
