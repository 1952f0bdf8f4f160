using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Events;

/// <summary>Event studies on the warehouse's CRSP daily returns and Fama-French factors (the same code as <c>research events study</c>). Key: 0.</summary>
[Alias("research.events.study")]
public interface IEventStudyGrain : IGrainWithIntegerKey
{
    /// <summary>Runs one study; a bad events table, window or model is refused by name.</summary>
    [Alias("run")]
    [RequiresAction(ResearchActions.EventsStudy)]
    Task<EventStudyView> RunAsync(EventStudyRequest request);
}

/// <summary>
/// What to study: <see cref="Source"/> <c>events</c> (the CSV <see cref="EventsText"/>: permno,date[,group][,id]) or
/// <c>earnings</c> (every Compustat report in <see cref="From"/>..<see cref="To"/> by SUE decile); the model
/// (<c>market-model</c>, <c>market-adjusted</c>, <c>fama-french3</c>; null: market-model, market-adjusted for earnings);
/// windows as FROM:TO, test windows separated by spaces or commas (null or empty: the defaults).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.events.Request")]
public sealed record EventStudyRequest(
    [property: Id(0)] string Source,
    [property: Id(1)] string? EventsText,
    [property: Id(2)] string? Model,
    [property: Id(3)] string? Estimation,
    [property: Id(4)] string? Window,
    [property: Id(5)] string? Tests,
    [property: Id(6)] int MinEstimationDays = 120,
    [property: Id(7)] DateOnly? From = null,
    [property: Id(8)] DateOnly? To = null);

/// <summary>One day of a group's path: the average abnormal return, the CAAR and its interval.</summary>
[GenerateSerializer, Immutable, Alias("research.events.Day")]
public sealed record EventDayView([property: Id(0)] int Day, [property: Id(1)] double Aar, [property: Id(2)] double Caar, [property: Id(3)] double Lower, [property: Id(4)] double Upper);

/// <summary>A group's tests of one window (NaN where a statistic has no value, for example with one event).</summary>
[GenerateSerializer, Immutable, Alias("research.events.Test")]
public sealed record EventTestView(
    [property: Id(0)] string Window,
    [property: Id(1)] int Events,
    [property: Id(2)] double Caar,
    [property: Id(3)] double Lower,
    [property: Id(4)] double Upper,
    [property: Id(5)] double T,
    [property: Id(6)] double P,
    [property: Id(7)] double Patell,
    [property: Id(8)] double PatellP,
    [property: Id(9)] double Bmp,
    [property: Id(10)] double BmpP,
    [property: Id(11)] double KolariPynnonen,
    [property: Id(12)] double KolariPynnonenP,
    [property: Id(13)] double AverageCorrelation,
    [property: Id(14)] double Rank,
    [property: Id(15)] double RankP,
    [property: Id(16)] int Positive,
    [property: Id(17)] double ExpectedPositive,
    [property: Id(18)] double Sign,
    [property: Id(19)] double SignP,
    [property: Id(20)] double Bhar);

[GenerateSerializer, Immutable, Alias("research.events.Group")]
public sealed record EventGroupView([property: Id(0)] string Group, [property: Id(1)] int Events, [property: Id(2)] EventDayView[] Days, [property: Id(3)] EventTestView[] Tests);

/// <summary>An event left out and why.</summary>
[GenerateSerializer, Immutable, Alias("research.events.LeftOut")]
public sealed record EventLeftOutView([property: Id(0)] string Id, [property: Id(1)] string Reason);

/// <summary>
/// A study's results: the design as applied, the counts, each group's path and tests, the first 100 events left out,
/// and for earnings the drift line (decile 10 minus decile 1 per test window, Welch's t).
/// </summary>
[GenerateSerializer, Immutable, Alias("research.events.View")]
public sealed record EventStudyView(
    [property: Id(0)] string Model,
    [property: Id(1)] string Estimation,
    [property: Id(2)] string Window,
    [property: Id(3)] int MinEstimationDays,
    [property: Id(4)] int Events,
    [property: Id(5)] int Studied,
    [property: Id(6)] EventGroupView[] Groups,
    [property: Id(7)] int LeftOutCount,
    [property: Id(8)] EventLeftOutView[] LeftOut,
    [property: Id(9)] string[] Drift,
    [property: Id(10)] string Data);
