using System.Globalization;
using Orleans.Concurrency;
using Research.Analytics.Events;
using Research.Data.Warehouse;
using Research.Grains.Abstractions.Events;

namespace Research.Grains.Events;

/// <summary>
/// Event studies for the console (<see cref="IEventStudyGrain"/>), orchestration only: events from the request's text
/// (<see cref="EventStudyLoader.ParseEvents"/>) or the warehouse's earnings reports, the inputs from
/// <see cref="EventStudyLoader"/> and the numbers from <see cref="EventStudy"/>: the same code as
/// <c>research events study</c>. DuckDB and the fits run on the thread pool.
/// </summary>
[StatelessWorker]
public sealed class EventStudyGrain(WarehouseLayout layout, TimeProvider clock) : Grain, IEventStudyGrain
{
    /// <summary>The design's parts as the page's fields name them, for its refusals.</summary>
    private static readonly Dictionary<string, string> FieldNames = new(StringComparer.Ordinal)
    {
        ["estimation"] = "Estimation",
        ["test"] = "Test window",
        ["min-estimation"] = "Least estimation days",
        ["confidence"] = "Confidence",
    };

    /// <summary>Pasted events are capped: the page is for studies a person reads, the CLI for bulk.</summary>
    public const int MaxPastedEvents = 20_000;

    public async Task<EventStudyView> RunAsync(EventStudyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var earnings = request.Source switch
        {
            "earnings" => true,
            "events" => false,
            _ => throw new ArgumentException($"source: '{request.Source}' is not events or earnings."),
        };
        var options = Options(request, earnings);
        var catalog = new WarehouseCatalog(layout);
        var needed = EventStudyLoader.DatasetsFor(earnings);
        if (needed.FirstOrDefault(d => catalog.ReadCurrent(d) is null) is { } missing)
        {
            throw new ArgumentException($"{missing} is not in the warehouse: an event study {(earnings ? "of earnings " : string.Empty)}needs {string.Join(", ", needed)}.");
        }

        var pasted = earnings ? null : Parse(request.EventsText);
        return await Task.Run(() =>
        {
            using var session = WarehouseQuerySession.Open(layout, VersionSelector.Current, QueryLimits.Default, clock, needed);
            var events = pasted ?? EventStudyLoader.Earnings(session, request.From, request.To).Events;
            var (market, returns) = EventStudyLoader.Load(session, events, options);
            var result = EventStudy.Run(events, market, p => returns.GetValueOrDefault(p), options);
            var drift = earnings
                ? options.TestWindows.Select((w, k) => (w, s: EarningsEvents.Spread(result, k)))
                    .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.w}: SUE decile 10 minus decile 1 = {p.s.Spread:P2} (Welch t {p.s.T:F2}; {p.s.High} and {p.s.Low} events)")).ToArray()
                : [];
            return new EventStudyView(WireNames.Of(options.Model), options.Estimation.ToString(), options.Window.ToString(), options.MinEstimationDays, events.Count, result.Events.Count,
                [.. result.Groups.Select(g => new EventGroupView(g.Group, g.Events,
                    [.. g.Days.Select(d => new EventDayView(d.Day, d.Aar, d.Caar, d.Lower, d.Upper))],
                    [.. g.Tests.Select(t => new EventTestView(t.Window.ToString(), t.Events, t.Caar, t.Lower, t.Upper, t.TStatistic, t.PValue, t.Patell, t.PatellP, t.Bmp, t.BmpP,
                        t.KolariPynnonen, t.KolariPynnonenP, t.AverageCorrelation, t.Rank, t.RankP, t.Positive, t.ExpectedPositive, t.Sign, t.SignP, t.Bhar))]))],
                result.Dropped.Count, [.. result.Dropped.Take(100).Select(d => new EventLeftOutView(d.Event.Id, d.Reason))], drift,
                string.Join(", ", needed.Select(d => $"{d} {session.Pinned[d].VersionId}")));
        }).ConfigureAwait(true);
    }

    private static IReadOnlyList<StudyEvent> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("events: paste a table with a header: permno,date[,group][,id].");
        }

        try
        {
            var events = EventStudyLoader.ParseEvents(text, "events");
            return events.Count <= MaxPastedEvents ? events : throw new ArgumentException($"events: {events.Count:N0} pasted; the page takes at most {MaxPastedEvents:N0} (use research events study --events FILE).");
        }
        catch (InvalidDataException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }

    private static EventStudyOptions Options(EventStudyRequest r, bool earnings)
    {
        static EventWindow W(string? text, string name, EventWindow fallback)
        {
            try
            {
                return string.IsNullOrWhiteSpace(text) ? fallback : EventWindow.Parse(text.Trim());
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"{name}: {e.Message}", e);
            }
        }

        var tests = (r.Tests ?? string.Empty).Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var defaults = EventStudyOptions.Defaults(earnings);
        var options = defaults with
        {
            Model = string.IsNullOrWhiteSpace(r.Model) ? defaults.Model : WireNames.Parse<AbnormalReturnModel>(r.Model, "model"),
            Estimation = W(r.Estimation, "estimation window", defaults.Estimation),
            Window = W(r.Window, "event window", defaults.Window),
            Tests = tests.Length > 0 ? [.. tests.Select(t => W(t, "test window", null!))] : defaults.Tests,
            MinEstimationDays = r.MinEstimationDays,
        };
        options.Validate(FieldNames);
        return options;
    }
}
