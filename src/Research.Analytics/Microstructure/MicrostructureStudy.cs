using Research.Core.Calendars;

namespace Research.Analytics.Microstructure;

/// <summary>One symbol's measures of one day, and its one-minute bars (start second, close, shares) for VPIN across days.</summary>
public sealed record SymbolDayMeasures(string Symbol, double Rv, double Bipower, double Jump, double RelativeQuotedSpread, double RelativeEffectiveSpread, double Depth,
    int Trades, long Volume, IReadOnlyList<int> BarStart, IReadOnlyList<double> BarClose, IReadOnlyList<long> BarVolume);

/// <summary>
/// One day of a microstructure study, computable on any machine from that day's ticks alone: each symbol's measures and
/// the day's sums per intraday bucket (fractions of the session, so half days fit): shares traded, squared one-minute
/// log returns of the bars' closes, and seconds and seconds × relative spread while quoted.
/// </summary>
public sealed record DayMeasures(DateOnly Date, IReadOnlyList<SymbolDayMeasures> Symbols, IReadOnlyList<long> BucketVolume, IReadOnlyList<double> BucketVariance,
    IReadOnlyList<double> BucketQuotedSeconds, IReadOnlyList<double> BucketSpreadSeconds);

/// <summary>The intraday pattern of a study: each bucket's share of the volume and of the variance, and its mean relative quoted spread.</summary>
public sealed record StudyBucket(double From, double To, double VolumeShare, double VarianceShare, double RelativeSpread);

/// <summary>A symbol over the study's days (NaN where a measure has no value). HAR needs <see cref="MicrostructureStudy.MinHarDays"/> days.</summary>
public sealed record SymbolSummary(string Symbol, int Days, double MeanRv, double AnnualisedVolatility, double MeanJumpShare, double RelativeQuotedSpread, double RelativeEffectiveSpread,
    double Depth, long Volume, double VpinMean, double VpinLast, int VpinBuckets, HarEvaluation? Har, double HarNextDay);

/// <summary>A microstructure study: the days merged in date order (so the numbers do not depend on where each day was computed).</summary>
public sealed record MicrostructureStudyResult(DateOnly From, DateOnly To, int Days, int SymbolDays, IReadOnlyList<StudyBucket> Pattern, IReadOnlyList<SymbolSummary> Symbols,
    IReadOnlyList<(DateOnly Date, string Symbol, double Rv)> DailyRv);

/// <summary>
/// A multi-day, multi-symbol microstructure study in two steps, so that days can be computed apart (on the silos of a
/// cluster) and merged in one place: <see cref="Day"/> reduces one day's ticks to <see cref="DayMeasures"/>; <see cref="Merge"/>
/// combines days in date order into the intraday U-shape (volume, variance and spread by time of day), each symbol's mean
/// realized variance, jumps, spreads and depth, VPIN over the run of days (bars chained across days, buckets of ADV/50,
/// window 50: the same as <see cref="Vpin"/> over the same ticks) and, with enough days, HAR-RV out of sample.
/// </summary>
public static class MicrostructureStudy
{
    /// <summary>Buckets of the session (13: half hours of a full day).</summary>
    public const int Buckets = 13;

    /// <summary>Days a symbol needs for HAR: the first fit takes half of them and at least a month plus ten.</summary>
    public const int MinHarDays = 2 * (HarModel.Month + 10);

    public static DayMeasures Day(DateOnly date, IEnumerable<TickDay> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var volume = new long[Buckets];
        var variance = new double[Buckets];
        var quoted = new double[Buckets];
        var spread = new double[Buckets];
        var symbols = new List<SymbolDayMeasures>();
        foreach (var day in days)
        {
            if (day.Date != date)
            {
                throw new ArgumentException($"ticks of {day.Date:yyyy-MM-dd} given for {date:yyyy-MM-dd}.", nameof(days));
            }

            var length = day.Close - day.Open;
            int Bucket(double t) => Math.Clamp((int)Math.Floor((t - day.Open) / length * Buckets), 0, Buckets - 1);
            var bars = IntradayMeasures.Bars(day.Events, day.Open, day.Close);
            for (var k = 0; k < bars.Count; k++)
            {
                volume[Bucket(bars[k].Start)] += bars[k].Volume;
                if (k > 0)
                {
                    var r = Math.Log(bars[k].Close / bars[k - 1].Close);
                    variance[Bucket(bars[k].Start)] += r * r;
                }
            }

            // Time-weighted relative spread per bucket: each book stands from its event to the next (the last to the close).
            var events = day.Events;
            for (var i = 0; i < events.Count; i++)
            {
                if (events[i].Ask is not { } ask || events[i].Bid is not { } bid || ask < bid || bid <= 0)
                {
                    continue;
                }

                var relative = (ask - bid) / ((ask + bid) / 2);
                var end = Math.Min(i + 1 < events.Count ? events[i + 1].Time : day.Close, day.Close);
                for (var t = Math.Max(events[i].Time, day.Open); t < end;)
                {
                    var b = Bucket(t);
                    var sliceEnd = Math.Min(end, day.Open + (length * (b + 1) / Buckets));
                    if (sliceEnd <= t)
                    {
                        break;
                    }

                    quoted[b] += sliceEnd - t;
                    spread[b] += (sliceEnd - t) * relative;
                    t = sliceEnd;
                }
            }

            var rv = RealizedMeasures.Realized(day.Events, 300, 60, day.Open, day.Close);
            var spreads = IntradayMeasures.Spreads(day.Events, 300, day.Open, day.Close);
            symbols.Add(new SymbolDayMeasures(day.Symbol, rv.Variance, rv.Bipower, rv.Jump, spreads.RelativeQuotedSpread, spreads.RelativeEffectiveSpread,
                (spreads.BidDepth + spreads.AskDepth) / 2, bars.Sum(b => b.Trades), bars.Sum(b => b.Volume),
                [.. bars.Select(b => b.Start)], [.. bars.Select(b => b.Close)], [.. bars.Select(b => b.Volume)]));
        }

        return new DayMeasures(date, [.. symbols.OrderBy(s => s.Symbol, StringComparer.Ordinal)], volume, variance, quoted, spread);
    }

    public static MicrostructureStudyResult Merge(IEnumerable<DayMeasures> measured)
    {
        ArgumentNullException.ThrowIfNull(measured);
        var days = measured.OrderBy(d => d.Date).ToList();
        if (days.Count == 0)
        {
            throw new ArgumentException("no day of ticks to study.");
        }

        if (days.Select(d => d.Date).Distinct().Count() != days.Count)
        {
            throw new ArgumentException("a day was measured twice.");
        }

        var volume = new double[Buckets];
        var variance = new double[Buckets];
        var quoted = new double[Buckets];
        var spread = new double[Buckets];
        foreach (var day in days)
        {
            for (var b = 0; b < Buckets; b++)
            {
                volume[b] += day.BucketVolume[b];
                variance[b] += day.BucketVariance[b];
                quoted[b] += day.BucketQuotedSeconds[b];
                spread[b] += day.BucketSpreadSeconds[b];
            }
        }

        var pattern = Enumerable.Range(0, Buckets).Select(b => new StudyBucket((double)b / Buckets, (double)(b + 1) / Buckets,
            volume[b] / volume.Sum(), variance[b] / variance.Sum(), quoted[b] > 0 ? spread[b] / quoted[b] : double.NaN)).ToList();

        var bySymbol = days.SelectMany(d => d.Symbols.Select(s => (d.Date, s))).GroupBy(x => x.s.Symbol, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal);
        var summaries = new List<SymbolSummary>();
        foreach (var group in bySymbol)
        {
            var rows = group.OrderBy(x => x.Date).ToList();
            var rv = rows.Where(x => double.IsFinite(x.s.Rv) && x.s.Rv > 0).ToList();
            var meanRv = rv.Count == 0 ? double.NaN : rv.Average(x => x.s.Rv);
            var jumpShare = rv.Count == 0 ? double.NaN : rv.Average(x => Math.Max(0, x.s.Jump) / x.s.Rv);

            // VPIN over the run of days: one-minute bars chained across days (price change from the previous bar's close).
            var bars = new List<VolumeBar>();
            var previous = double.NaN;
            foreach (var (date, s) in rows)
            {
                for (var k = 0; k < s.BarStart.Count; k++)
                {
                    if (double.IsFinite(previous))
                    {
                        bars.Add(new VolumeBar(date, s.BarStart[k] + 60, s.BarClose[k] - previous, s.BarVolume[k]));
                    }

                    previous = s.BarClose[k];
                }
            }

            var adv = rows.Average(x => (double)x.s.Volume);
            var vpin = bars.Count > 1 && adv > 0 && bars.Any(b => b.PriceChange != bars[0].PriceChange) ? Vpin.Measure(bars, adv) : null;
            var values = vpin?.Values.ToList() ?? [];
            HarEvaluation? har = null;
            var next = double.NaN;
            if (rv.Count >= MinHarDays)
            {
                var series = rv.Select(x => x.s.Rv).ToArray();
                har = HarModel.Evaluate([.. rv.Select(x => x.Date)], series, Math.Max(HarModel.Month + 10, series.Length / 2));
                next = HarModel.Forecast(HarModel.Fit(series, series.Length - 1), series, series.Length - 1);
            }

            summaries.Add(new SymbolSummary(group.Key, rows.Count, meanRv, Math.Sqrt(meanRv * Annualisation.SessionsPerYear), jumpShare,
                Mean(rows.Select(x => x.s.RelativeQuotedSpread)), Mean(rows.Select(x => x.s.RelativeEffectiveSpread)), Mean(rows.Select(x => x.s.Depth)),
                rows.Sum(x => x.s.Volume), values.Count == 0 ? double.NaN : values.Average(), values.Count == 0 ? double.NaN : values[^1], values.Count, har, next));
        }

        return new MicrostructureStudyResult(days[0].Date, days[^1].Date, days.Count, days.Sum(d => d.Symbols.Count), pattern, summaries,
            [.. days.SelectMany(d => d.Symbols.Select(s => (d.Date, s.Symbol, s.Rv)))]);
    }

    private static double Mean(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        return finite.Count == 0 ? double.NaN : finite.Average();
    }
}
