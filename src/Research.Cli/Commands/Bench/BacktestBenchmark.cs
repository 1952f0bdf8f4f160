using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Core.Calendars;
using Spectre.Console;

namespace Research.Cli.Commands.Bench;

/// <summary>
/// <c>research bench backtest</c>: the engine on a seeded random market (fat-tailed returns), a daily-rebalanced
/// long/short book whose target weights are computed before the clock starts, so the time is the engine's own:
/// returns, drift, delistings, costs with square-root impact, execution. Reported per asset-day; run it with
/// DOTNET_PROCESSOR_COUNT=1 for the one-core figure.
/// </summary>
internal static class BacktestBenchmark
{
    public static Command Create(CliOutput output)
    {
        var assets = new Option<int>("--assets") { Description = "Stocks.", DefaultValueFactory = _ => 3000 }.Positive();
        var years = new Option<int>("--years") { Description = "Years of 252 sessions.", DefaultValueFactory = _ => 25 }.Positive();
        var noCosts = new Option<bool>("--no-costs") { Description = "Run without costs (isolates the impact model's share)." };
        var impact = new Option<double>("--impact") { Description = "Square-root impact coefficient (default 0.1; 0 = linear costs only).", DefaultValueFactory = _ => 0.1 }.Within(0, 10);
        var command = new Command("backtest", "Engine time per asset-day on a daily-rebalanced long/short book (targets precomputed).") { assets, years, noCosts, impact };
        command.SetAction(parse =>
        {
            var n = parse.GetValue(assets);
            var sessions = parse.GetValue(years) * Annualisation.SessionsPerYear;
            var dates = Research.Core.Calendars.NyseCalendar.Instance.Sessions(new DateOnly(1990, 1, 2), new DateOnly(2100, 12, 31)).Take(sessions).ToArray();
            var random = new Research.Core.Randomness.DeterministicRandom(7);
            var cells = sessions * n;
            var returns = new double[cells];
            var cap = new double[cells];
            var volume = new double[cells];
            var signal = new double[n];
            var targets = new double[sessions][];
            for (var t = 0; t < sessions; t++)
            {
                for (var i = 0; i < n; i++)
                {
                    returns[(t * n) + i] = 0.02 * random.NextStudentT(5) * Math.Sqrt(3.0 / 5.0);
                    cap[(t * n) + i] = 1e6 * (1 + i);
                    volume[(t * n) + i] = 5e6 * (1 + (i % 50));
                    signal[i] = (0.95 * signal[i]) + (0.3 * random.NextGaussian());
                }

                var order = Enumerable.Range(0, n).OrderBy(i => signal[i]).ToArray();
                var w = new double[n];
                var leg = n / 5;
                for (var j = 0; j < leg; j++)
                {
                    w[order[j]] = -1.0 / leg;
                    w[order[n - 1 - j]] = 1.0 / leg;
                }

                targets[t] = w;
            }

            var panel = new Research.Analytics.Factors.EquityPanel(dates, [.. Enumerable.Range(1, n)], [.. Enumerable.Range(1, n).Select(i => $"S{i}")], returns, cap, volume, (double[])volume.Clone());
            var data = Research.Backtesting.Engine.BacktestData.FromPanel(panel);
            var settings = new Research.Backtesting.Engine.BacktestSettings
            {
                From = dates[0],
                To = dates[^1],
                RecordTrades = false,
                Costs = parse.GetValue(noCosts) ? Research.Backtesting.Engine.CostModel.None : new Research.Backtesting.Engine.CostModel { ImpactCoefficient = parse.GetValue(impact) },
            };
            // The impact inputs (20-session σ and ADV per cell) are a property of the data, shared by every run on it:
            // computed here, timed separately, before the engine's clock starts.
            var prep = Stopwatch.StartNew();
            var impactTable = settings.Costs.ImpactCoefficient > 0 ? data.ImpactScale.Length : 0;
            var prepSeconds = prep.Elapsed.TotalSeconds;
            var sw = Stopwatch.StartNew();
            var result = Research.Backtesting.Engine.BacktestEngine.Run(data, new Precomputed(targets), settings);
            var seconds = sw.Elapsed.TotalSeconds;
            var nanoseconds = seconds * 1e9 / ((double)n * sessions);
            var metrics = Research.Backtesting.Metrics.BacktestMetrics.Of(result);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { assets = n, sessions, seconds, nanosecondsPerAssetDay = nanoseconds, impactTableSeconds = prepSeconds, impactTableCells = impactTable, cores = Environment.ProcessorCount, annualTurnover = metrics.AnnualTurnover });
            }
            else
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{n} stocks x {sessions} sessions, daily rebalanced: {seconds:F2} s = {nanoseconds:F1} ns per asset-day on {Environment.ProcessorCount} core(s); turnover {metrics.AnnualTurnover:F0}x a year; impact inputs (once per data set, not in the engine's time): {prepSeconds:F2} s = {prepSeconds * 1e9 / ((double)n * sessions):F1} ns per cell"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private sealed class Precomputed(double[][] targets) : Research.Backtesting.Engine.IStrategy
    {
        public string Name => "precomputed long/short";

        public bool RebalancesOn(Research.Backtesting.Engine.PointInTimeView view) => true;

        public double[] TargetWeights(Research.Backtesting.Engine.PointInTimeView view) => targets[view.Session];
    }
}
