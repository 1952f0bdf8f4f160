using MathNet.Numerics.Distributions;

namespace Research.Analytics.Microstructure;

/// <summary>One completed volume bucket: when it filled, its buy and sell volume, and VPIN over the window ending with it (NaN until the window is full).</summary>
public sealed record VpinBucket(DateOnly Date, double Time, double BuyVolume, double SellVolume, double Vpin);

/// <summary>VPIN over a run of days of one symbol, with its design.</summary>
public sealed record VpinResult(double BucketVolume, int Window, double SigmaPriceChange, int Bars, IReadOnlyList<VpinBucket> Buckets)
{
    /// <summary>The VPIN values once the window is full.</summary>
    public IEnumerable<double> Values => Buckets.Select(b => b.Vpin).Where(double.IsFinite);
}

/// <summary>A time bar for VPIN: its close price change from the previous bar and its volume.</summary>
public sealed record VolumeBar(DateOnly Date, double Time, double PriceChange, double Volume);

/// <summary>
/// Volume-synchronized probability of informed trading (Easley, López de Prado and O'Hara 2012):
/// 1. one-minute bars of the trades (price change from the previous bar's close, across days too, and volume);
/// 2. bulk volume classification: a bar's buy volume is V Z(ΔP/σ_ΔP), Z the standard normal CDF and σ_ΔP the standard
///    deviation of the bar price changes over the sample; the rest is sell volume;
/// 3. volume buckets of V = average daily volume / <c>bucketsPerDay</c> (50 as published), a bar's volume split across
///    buckets when it fills one;
/// 4. VPIN = Σ |V^S − V^B| over the last <c>window</c> buckets (50) / (window · V).
/// </summary>
public static class Vpin
{
    /// <summary>The bars of a run of days: one-minute bars of each day's regular session, price changes chained across days.</summary>
    public static IReadOnlyList<VolumeBar> Bars(IEnumerable<TickDay> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        var bars = new List<VolumeBar>();
        var previous = double.NaN;
        foreach (var day in days)
        {
            foreach (var bar in IntradayMeasures.Bars(day.Events, day.Open, day.Close))
            {
                if (double.IsFinite(previous))
                {
                    bars.Add(new VolumeBar(day.Date, bar.Start + 60, bar.Close - previous, bar.Volume));
                }

                previous = bar.Close;
            }
        }

        return bars;
    }

    /// <summary>The mean regular-session volume (executions) of the days, the ADV the buckets are cut from.</summary>
    public static double AverageDailyVolume(IReadOnlyCollection<TickDay> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        return days.Count == 0 ? 0 : days.Sum(d => d.Events.Where(e => e.IsExecution && e.Time >= d.Open && e.Time < d.Close).Sum(e => (double)e.Size)) / days.Count;
    }

    public static VpinResult Measure(IReadOnlyList<VolumeBar> bars, double averageDailyVolume, int bucketsPerDay = 50, int window = 50)
    {
        ArgumentNullException.ThrowIfNull(bars);
        if (!(averageDailyVolume > 0) || bucketsPerDay < 1 || window < 1)
        {
            throw new ArgumentException($"VPIN needs a positive average daily volume ({averageDailyVolume}), buckets per day ({bucketsPerDay}) and window ({window}).");
        }

        if (bars.Count < 2)
        {
            throw new ArgumentException($"VPIN needs at least two bars; {bars.Count} given.");
        }

        var sigma = Research.Core.Statistics.Moments.StandardDeviation([.. bars.Select(b => b.PriceChange)]);
        if (!(sigma > 0) || bars.All(b => b.PriceChange == bars[0].PriceChange))
        {
            throw new ArgumentException("The bar price changes do not vary: bulk volume classification has no scale.");
        }

        var size = averageDailyVolume / bucketsPerDay;
        var buckets = new List<VpinBucket>();
        var imbalances = new Queue<double>();
        var imbalanceSum = 0.0;
        double buy = 0, sell = 0;
        foreach (var bar in bars)
        {
            var buyShare = Normal.CDF(0, 1, bar.PriceChange / sigma);
            var left = bar.Volume;
            while (left > 0)
            {
                var take = Math.Min(left, size - (buy + sell));
                buy += take * buyShare;
                sell += take * (1 - buyShare);
                left -= take;
                if (buy + sell >= size * (1 - 1e-12))
                {
                    var imbalance = Math.Abs(sell - buy);
                    imbalances.Enqueue(imbalance);
                    imbalanceSum += imbalance;
                    if (imbalances.Count > window)
                    {
                        imbalanceSum -= imbalances.Dequeue();
                    }

                    buckets.Add(new VpinBucket(bar.Date, bar.Time, buy, sell, imbalances.Count == window ? imbalanceSum / (window * size) : double.NaN));
                    (buy, sell) = (0, 0);
                }
            }
        }

        return new VpinResult(size, window, sigma, bars.Count, buckets);
    }
}
