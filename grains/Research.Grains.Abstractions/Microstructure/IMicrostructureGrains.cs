using Research.Grains.Abstractions.Security;

namespace Research.Grains.Abstractions.Microstructure;

/// <summary>
/// A microstructure study of the warehouse's TAQ ticks (the intraday U-shape, each symbol's realized variance, spreads,
/// depth and VPIN, HAR-RV with enough days), fanned out across the cluster one day per <see cref="IMicrostructureDayGrain"/>
/// and merged in date order, so the answer is the same on any number of silos. Key: 0.
/// </summary>
[Alias("research.micro.study")]
public interface IMicrostructureGrain : IGrainWithIntegerKey
{
    [Alias("run")]
    [RequiresAction(ResearchActions.MicroStudy)]
    Task<MicrostructureView> RunAsync(MicrostructureRequest request);
}

/// <summary>One day of a study (key = "study id/date"), computed where it is placed from the pinned tick versions; a day lost with its silo is asked again.</summary>
[Alias("research.micro.day")]
public interface IMicrostructureDayGrain : IGrainWithStringKey
{
    [Alias("run")]
    [RequiresAction(ResearchActions.MicroStudy)]
    Task<MicrostructureDayResult> RunAsync(MicrostructureDayRequest request);
}

/// <summary>What to study: the days in [<see cref="From"/>, <see cref="To"/>] (null: all the ticks' days), the symbols (comma-separated; null or empty: all).</summary>
[GenerateSerializer, Immutable, Alias("research.micro.Request")]
public sealed record MicrostructureRequest([property: Id(0)] DateOnly? From, [property: Id(1)] DateOnly? To, [property: Id(2)] string? Symbols);

/// <summary>One day to compute, on the given versions of <c>taq/trades</c> and <c>taq/quotes</c>.</summary>
[GenerateSerializer, Immutable, Alias("research.micro.DayRequest")]
public sealed record MicrostructureDayRequest([property: Id(0)] DateOnly Date, [property: Id(1)] string[]? Symbols, [property: Id(2)] string TradesVersion, [property: Id(3)] string QuotesVersion);

/// <summary>One symbol's measures of one day and its one-minute bars (for VPIN across days).</summary>
[GenerateSerializer, Immutable, Alias("research.micro.SymbolDay")]
public sealed record SymbolDayView(
    [property: Id(0)] string Symbol, [property: Id(1)] double Rv, [property: Id(2)] double Bipower, [property: Id(3)] double Jump,
    [property: Id(4)] double RelativeQuotedSpread, [property: Id(5)] double RelativeEffectiveSpread, [property: Id(6)] double Depth,
    [property: Id(7)] int Trades, [property: Id(8)] long Volume, [property: Id(9)] int[] BarStart, [property: Id(10)] double[] BarClose, [property: Id(11)] long[] BarVolume);

/// <summary>A day's result: its symbols, its sums per intraday bucket, and the silo that computed it.</summary>
[GenerateSerializer, Immutable, Alias("research.micro.DayResult")]
public sealed record MicrostructureDayResult(
    [property: Id(0)] DateOnly Date, [property: Id(1)] SymbolDayView[] Symbols, [property: Id(2)] long[] BucketVolume, [property: Id(3)] double[] BucketVariance,
    [property: Id(4)] double[] BucketQuotedSeconds, [property: Id(5)] double[] BucketSpreadSeconds, [property: Id(6)] string Silo);

/// <summary>An intraday bucket (fractions of the session): shares of volume and variance, mean relative quoted spread (NaN: never quoted).</summary>
[GenerateSerializer, Immutable, Alias("research.micro.Bucket")]
public sealed record PatternBucketView([property: Id(0)] double From, [property: Id(1)] double To, [property: Id(2)] double VolumeShare, [property: Id(3)] double VarianceShare, [property: Id(4)] double RelativeSpread);

/// <summary>A symbol over the study (NaN where a measure has no value; HAR ratios NaN without enough days).</summary>
[GenerateSerializer, Immutable, Alias("research.micro.Symbol")]
public sealed record SymbolSummaryView(
    [property: Id(0)] string Symbol, [property: Id(1)] int Days, [property: Id(2)] double MeanRv, [property: Id(3)] double AnnualisedVolatility, [property: Id(4)] double MeanJumpShare,
    [property: Id(5)] double RelativeQuotedSpread, [property: Id(6)] double RelativeEffectiveSpread, [property: Id(7)] double Depth, [property: Id(8)] long Volume,
    [property: Id(9)] double VpinMean, [property: Id(10)] double VpinLast, [property: Id(11)] int VpinBuckets, [property: Id(12)] double HarMseRatio, [property: Id(13)] double HarQlikeRatio,
    [property: Id(14)] double HarNextDay);

/// <summary>A day's realized variance of a symbol, with HAR's and the naive out-of-sample forecasts where there are some.</summary>
[GenerateSerializer, Immutable, Alias("research.micro.Rv")]
public sealed record RvPointView([property: Id(0)] DateOnly Date, [property: Id(1)] string Symbol, [property: Id(2)] double Rv, [property: Id(3)] double Har, [property: Id(4)] double Naive);

/// <summary>A study's result: the pattern, per-symbol summaries, the daily RV (with HAR forecasts), the data versions and the silos that computed days.</summary>
[GenerateSerializer, Immutable, Alias("research.micro.View")]
public sealed record MicrostructureView(
    [property: Id(0)] DateOnly From, [property: Id(1)] DateOnly To, [property: Id(2)] int Days, [property: Id(3)] int SymbolDays, [property: Id(4)] PatternBucketView[] Pattern,
    [property: Id(5)] SymbolSummaryView[] Symbols, [property: Id(6)] RvPointView[] Rv, [property: Id(7)] string Versions, [property: Id(8)] string[] Silos);
