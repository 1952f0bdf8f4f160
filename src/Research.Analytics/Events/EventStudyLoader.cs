using Research.Core.Text;
using Research.Data.Warehouse;

namespace Research.Analytics.Events;

/// <summary>
/// Event-study inputs from the warehouse: the sessions of <c>crsp.daily</c> around the events, the Fama-French daily
/// factors on them (<c>famafrench.factors_daily</c>: mktrf, smb, hml, rf, decimals), and the daily returns (<c>ret</c>,
/// dividends included, delisting returns not merged) of the events' securities.
/// </summary>
public static class EventStudyLoader
{
    public static IReadOnlyList<string> Datasets { get; } = ["crsp/daily", "famafrench/factors_daily"];

    public static (EventMarket Market, IReadOnlyDictionary<int, double[]> Returns) Load(WarehouseQuerySession session, IReadOnlyList<StudyEvent> events, EventStudyOptions options)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(options);
        if (Datasets.FirstOrDefault(d => !session.Pinned.ContainsKey(d)) is { } missing)
        {
            throw new InvalidOperationException($"The warehouse has no dataset '{missing}'; an event study needs {string.Join(" and ", Datasets)} (research sync).");
        }

        if (events.Count == 0)
        {
            throw new ArgumentException("No events to study.", nameof(events));
        }

        // Calendar days enough for the windows' trading days (about 252 sessions in 365 days, plus holidays).
        var from = events.Min(e => e.Date).AddDays(-((Math.Max(0, -options.Estimation.From) * 3 / 2) + 20));
        var to = events.Max(e => e.Date).AddDays((Math.Max(0, options.Window.To) * 3 / 2) + 20);
        var range = $"date BETWEEN {DuckDbSql.Date(from)} AND {DuckDbSql.Date(to)}";
        var dates = new List<DateOnly>();
        using (var command = session.CreateTrustedCommand($"SELECT DISTINCT date FROM crsp.daily WHERE {range} ORDER BY 1"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                dates.Add(reader.GetFieldValue<DateOnly>(0));
            }
        }

        if (dates.Count == 0)
        {
            throw new InvalidOperationException($"crsp.daily has no sessions between {from:yyyy-MM-dd} and {to:yyyy-MM-dd} (the events' dates and windows).");
        }

        var index = dates.Select((d, t) => (d, t)).ToDictionary(p => p.d, p => p.t);
        var series = Enumerable.Range(0, 4).Select(_ => Enumerable.Repeat(double.NaN, dates.Count).ToArray()).ToArray();
        using (var command = session.CreateTrustedCommand($"SELECT date, mktrf, smb, hml, rf FROM famafrench.factors_daily WHERE {range}"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (index.TryGetValue(reader.GetFieldValue<DateOnly>(0), out var t))
                {
                    for (var j = 0; j < 4; j++)
                    {
                        series[j][t] = reader.IsDBNull(j + 1) ? double.NaN : reader.GetDouble(j + 1);
                    }
                }
            }
        }

        var returns = events.Select(e => e.Permno).Distinct().ToDictionary(p => p, _ => Enumerable.Repeat(double.NaN, dates.Count).ToArray());
        foreach (var chunk in returns.Keys.Order().Chunk(2_000))
        {
            using var command = session.CreateTrustedCommand(
                $"SELECT permno, date, ret FROM crsp.daily WHERE {range} AND ret IS NOT NULL AND permno IN ({string.Join(',', chunk.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)))})");
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                returns[reader.GetInt32(0)][index[reader.GetFieldValue<DateOnly>(1)]] = reader.GetDouble(2);
            }
        }

        return (new EventMarket([.. dates], series[0], series[1], series[2], series[3]), returns);
    }

    /// <summary>
    /// An events file: CSV with <c>permno</c> and <c>date</c> (yyyy-MM-dd), optionally <c>group</c> (results per group, for
    /// example <c>addition</c> and <c>deletion</c>) and <c>id</c> (default PERMNO@date).
    /// </summary>
    public static IReadOnlyList<StudyEvent> ReadEvents(string path) => Events(CsvRecords.Read(path, EventColumns, OptionalColumns), path);

    /// <summary>Events pasted as text (the console's form), in the file's format; <paramref name="name"/> names it in messages.</summary>
    public static IReadOnlyList<StudyEvent> ParseEvents(string text, string name)
    {
        using var reader = new StringReader(text ?? string.Empty);
        return Events(CsvRecords.Read(reader, name, EventColumns, OptionalColumns), name);
    }

    private static readonly string[] EventColumns = ["permno", "date"];
    private static readonly string[] OptionalColumns = ["group", "id"];

    private static StudyEvent[] Events(IReadOnlyList<CsvRecord> rows, string name)
    {
        if (rows.Count == 0)
        {
            throw new InvalidDataException($"{name}: no events (a header and one line per event: permno,date[,group][,id]).");
        }

        return [.. rows.Select(r =>
        {
            var permno = r.WholeNumber("permno");
            var date = r.Date("date");
            return new StudyEvent(r.Has("id") ? r.Text("id") : $"{permno}@{date:yyyy-MM-dd}", permno > 0 ? permno : throw r.Bad("permno", r.Text("permno"), "a positive PERMNO"),
                date, r.Has("group") ? r.Text("group") : "all");
        })];
    }

    /// <summary>The datasets a study needs: CRSP daily and the factors, and for earnings the names, Compustat quarterly and the CCM links.</summary>
    public static IReadOnlyList<string> DatasetsFor(bool earnings) =>
        earnings ? [.. Datasets, "crsp/names", "compustat/quarterly", "ccm/links"] : Datasets;

    /// <summary>
    /// Every Compustat report with a SUE in [from, to] (default: the CRSP sessions' span), by SUE decile; the panel is
    /// read from three years before <paramref name="from"/> so the first reports have their eight quarters of history.
    /// </summary>
    public static (IReadOnlyList<StudyEvent> Events, IReadOnlyDictionary<string, double> Sues) Earnings(WarehouseQuerySession session, DateOnly? from, DateOnly? to, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        DateOnly first, last;
        using (var command = session.CreateTrustedCommand("SELECT min(date), max(date) FROM crsp.daily"))
        using (var reader = command.ExecuteReader())
        {
            if (!reader.Read() || reader.IsDBNull(0))
            {
                throw new InvalidOperationException("crsp.daily has no rows.");
            }

            (first, last) = (reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1));
        }

        var (a, b) = (from ?? first, to ?? last);
        if (a > b)
        {
            throw new ArgumentException($"The first report date {a:yyyy-MM-dd} is after the last {b:yyyy-MM-dd}.");
        }

        var panel = Factors.EquityPanelLoader.Load(session, a.AddYears(-3) < first ? first : a.AddYears(-3), b, progress);
        var found = EarningsEvents.FromPanel(panel).Where(e => e.Event.Date >= a && e.Event.Date <= b).ToList();
        if (found.Count == 0)
        {
            throw new ArgumentException($"No Compustat report between {a:yyyy-MM-dd} and {b:yyyy-MM-dd} has a SUE (it needs eight quarters of net income before it).");
        }

        return ([.. found.Select(e => e.Event)], found.ToDictionary(e => e.Event.Id, e => e.Sue, StringComparer.Ordinal));
    }
}
