using System.CommandLine;
using System.Globalization;
using Research.Analytics.Alpha;
using Research.Cli.Infrastructure;
using Research.Core.Randomness;
using Research.Core.Statistics;
using Spectre.Console;

namespace Research.Cli.Commands.Bench;

/// <summary>
/// <c>research bench alpha</c>: one signal's full analytics (IC and rank IC at three horizons, quantiles, turnover) on a
/// seeded panel of assets x sessions, beside a naive implementation measured in the same run (per date and horizon:
/// forward returns, a sort of each side, Pearson on values and on ranks, quantile means), whose IC means must agree.
/// Run it with <c>DOTNET_PROCESSOR_COUNT=1</c> for the one-core figure.
/// </summary>
internal static class AlphaBenchmark
{
    public static Command Create(CliOutput output)
    {
        var assets = new Option<int>("--assets") { Description = "Assets in the panel.", DefaultValueFactory = _ => 3000 }.Between(10, 100_000);
        var years = new Option<int>("--years") { Description = "Years of sessions.", DefaultValueFactory = _ => 25 }.Between(1, 100);
        var repeat = new Option<int>("--repeat") { Description = "Timed repetitions (after two warm-ups each); the median is reported.", DefaultValueFactory = _ => 3 }.Between(1, 100);
        var naive = new Option<bool>("--naive") { Description = "Also time the naive baseline (slow on large panels).", DefaultValueFactory = _ => true };
        var command = new Command("alpha", "One signal's analytics (IC at three horizons, quantiles, turnover) against a naive same-run baseline.") { assets, years, repeat, naive };
        command.SetAction(parse =>
        {
            var (n, t) = (parse.GetValue(assets), parse.GetValue(years) * Research.Core.Calendars.Annualisation.SessionsPerYear);
            var (dates, signal, returns) = Panel(t, n, seed: 42);
            var options = SignalAnalyticsOptions.Default;
            SignalReport? report = null;
            var fast = BenchTiming.Median(parse.GetValue(repeat), () => report = SignalAnalytics.Evaluate(dates, n, signal, returns, options)) / 1000;
            double? slow = null;
            double[]? naiveIc = null;
            if (parse.GetValue(naive))
            {
                slow = BenchTiming.Median(parse.GetValue(repeat), () => naiveIc = Naive(dates.Length, n, signal, returns, options.Horizons, options.Quantiles)) / 1000;
                for (var k = 0; k < options.Horizons.Count; k++)
                {
                    if (Math.Abs(naiveIc![k] - report!.Horizons[k].RankIcSummary.Mean) > 1e-12)
                    {
                        throw new CliException(string.Create(CultureInfo.InvariantCulture, $"The naive baseline's mean rank IC at {options.Horizons[k]} sessions ({naiveIc[k]:R}) differs from the analytics' ({report.Horizons[k].RankIcSummary.Mean:R})."));
                    }
                }
            }

            var result = new
            {
                assets = n,
                sessions = t,
                cores = Environment.ProcessorCount,
                analyticsSeconds = fast,
                naiveSeconds = slow,
                ratio = slow / fast,
                rankIc = report!.Horizons.Select(h => h.RankIcSummary.Mean),
            };
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(result);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Panel", "Cores", "Analytics", "Naive (same run)", "Ratio", "Rank IC 1/5/21");
            table.AddRow($"{n:N0} x {t:N0}", $"{Environment.ProcessorCount}", $"{fast:F2} s", slow is { } s ? $"{s:F2} s" : "-", slow is { } s2 ? $"{s2 / fast:F1}x" : "-",
                string.Join(" / ", report.Horizons.Select(h => h.RankIcSummary.Mean.ToString("0.0000", CultureInfo.InvariantCulture))));
            output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A signal with an IC of about 0.03 on the next session's return, AR(1) over days; 3% of cells missing.</summary>
    internal static (DateOnly[] Dates, double[] Signal, double[] Returns) Panel(int sessions, int assets, ulong seed)
    {
        var random = DeterministicRandom.ForStream(seed, 7, 0);
        var dates = Enumerable.Range(0, sessions).Select(d => new DateOnly(2000, 1, 3).AddDays(d)).ToArray();
        var (signal, returns) = (new double[sessions * assets], new double[sessions * assets]);
        var score = Enumerable.Range(0, assets).Select(_ => random.NextGaussian()).ToArray();
        for (var t = 0; t < sessions; t++)
        {
            for (var i = 0; i < assets; i++)
            {
                var c = (t * assets) + i;
                returns[c] = t == 0 ? double.NaN : 0.02 * ((0.03 * score[i]) + (Math.Sqrt(1 - 0.0009) * random.NextGaussian()));
                score[i] = (0.95 * score[i]) + (Math.Sqrt(1 - (0.95 * 0.95)) * random.NextGaussian());
                signal[c] = score[i];
                if (random.NextDouble() < 0.03)
                {
                    (signal[c], returns[c]) = random.NextDouble() < 0.5 ? (double.NaN, returns[c]) : (signal[c], double.NaN);
                }
            }
        }

        return (dates, signal, returns);
    }

    /// <summary>
    /// The naive way: per horizon and date, the forward returns by a product loop, the pairs, an array sort of each side
    /// for ranks (ties averaged), Pearson on values and on ranks, and quantile means from the signal sort; the mean rank IC per horizon.
    /// </summary>
    internal static double[] Naive(int dates, int assets, double[] signal, double[] returns, IReadOnlyList<int> horizons, int quantiles)
    {
        var means = new double[horizons.Count];
        for (var k = 0; k < horizons.Count; k++)
        {
            var h = horizons[k];
            var sum = 0.0;
            var count = 0;
            for (var t = 0; t + h < dates; t++)
            {
                var x = new List<double>();
                var y = new List<double>();
                for (var i = 0; i < assets; i++)
                {
                    var s = signal[(t * assets) + i];
                    var growth = 1.0;
                    for (var u = t + 1; u <= t + h; u++)
                    {
                        growth *= 1 + returns[(u * assets) + i];
                    }

                    if (double.IsFinite(s) && double.IsFinite(growth))
                    {
                        x.Add(s);
                        y.Add(growth - 1);
                    }
                }

                if (x.Count < Math.Max(3, quantiles))
                {
                    continue;
                }

                var rx = SortRanks(x);
                var ry = SortRanks(y);
                _ = Moments.Correlation(x, y);
                sum += Moments.Correlation(rx, ry);
                count++;
                var order = Enumerable.Range(0, x.Count).ToArray();
                Array.Sort([.. x], order);
                var buckets = new double[quantiles];
                for (var r = 0; r < order.Length; r++)
                {
                    buckets[r * quantiles / order.Length] += y[order[r]];
                }
            }

            means[k] = sum / count;
        }

        return means;
    }

    private static double[] SortRanks(List<double> values)
    {
        var keys = values.ToArray();
        var order = Enumerable.Range(0, keys.Length).ToArray();
        Array.Sort(keys, order);
        var ranks = new double[keys.Length];
        for (var start = 0; start < keys.Length;)
        {
            var end = start;
            while (end + 1 < keys.Length && keys[end + 1] == keys[start])
            {
                end++;
            }

            for (var j = start; j <= end; j++)
            {
                ranks[order[j]] = ((start + end) / 2.0) + 1;
            }

            start = end + 1;
        }

        return ranks;
    }
}
