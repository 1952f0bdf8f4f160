using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Research.Cli.Commands.Factors;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Bench;

/// <summary>
/// <c>research bench risk</c>: the risk model over the warehouse's whole CRSP panel, stage by stage, with a same-run
/// baseline for the daily regressions: the same weighted least squares solved by MathNet's dense QR per day.
/// </summary>
internal static class RiskBenchmark
{
    public static Command Create(CliOutput output)
    {
        var command = new Command("risk", "Risk model fit on the warehouse panel: load, exposures, fit, publish; daily regressions vs a dense QR baseline.");
        command.SetAction(async (parse, ct) =>
        {
            var watch = Stopwatch.StartNew();
            var (panel, monthEnds) = FactorsCommand.LoadPanel(parse, output, null, null);
            var load = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var exposures = Research.Analytics.Factors.FactorBuilder.Build(panel, monthEnds);
            var build = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var stages = new Dictionary<string, double>(StringComparer.Ordinal);
            var last = Stopwatch.StartNew();
            string? stage = null;
            var model = Research.Analytics.Risk.RiskModelFitter.Fit(panel, exposures, panel.Dates[0], panel.Dates[^1], null,
                new SynchronousProgress<(string Stage, double Fraction)>(p =>
                {
                    if (p.Stage != stage)
                    {
                        if (stage is not null)
                        {
                            stages[stage] = last.Elapsed.TotalSeconds;
                        }

                        stage = p.Stage;
                        last.Restart();
                    }
                }), ct);
            var fit = watch.Elapsed.TotalSeconds;
            watch.Restart();
            await Research.Analytics.Risk.RiskModelStore.PublishAsync(WarehouseOptions.Layout(parse), model, "bench", TimeProvider.System, ct).ConfigureAwait(false);
            var publish = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var baselineDays = DenseRegressionBaseline(model);
            var baseline = watch.Elapsed.TotalSeconds;
            var summary = Research.Analytics.Risk.RiskModelSummary.Of(model);
            var result = new
            {
                stocks = panel.Assets,
                sessions = panel.Sessions,
                regressionDays = model.Dates.Length,
                factors = model.K,
                meanStocksPerDay = summary.MeanStocks,
                seconds = new { load, exposures = build, fit, fitStages = stages, publish, total = load + build + fit + publish },
                baseline = new { denseQrRegressionsSeconds = baseline, days = baselineDays, ourRegressionsSeconds = stages.GetValueOrDefault("regressions") },
                meanRSquared = summary.MeanRSquared,
                biasInBand = summary.BiasInBand,
            };
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(result);
                return ExitCodes.Ok;
            }

            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{panel.Assets} securities x {panel.Sessions} sessions, {model.Dates.Length} regressions of {summary.MeanStocks:F0} stocks on {model.K} factors"));
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"load {load:F1} s, exposures {build:F1} s, fit {fit:F1} s ({string.Join(", ", stages.Select(p => $"{p.Key} {p.Value:F1} s"))}), publish {publish:F1} s; total {load + build + fit + publish:F1} s"));
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"baseline: the same regressions by dense QR {baseline:F1} s vs ours {stages.GetValueOrDefault("regressions"):F1} s"));
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Solves each day's weighted regression (market, industries less one, styles) with MathNet's QR; returns the days solved.</summary>
    private static int DenseRegressionBaseline(Research.Analytics.Risk.RiskModel model)
    {
        var panel = model.Panel;
        var n = panel.Assets;
        var styles = model.Exposures.Factors.Count;
        var industries = model.IndustryFactors;
        var p = 1 + Math.Max(0, industries - 1) + styles;
        var solved = 0;
        System.Threading.Tasks.Parallel.For(0, model.Dates.Length, d =>
        {
            var t = model.Sessions[d];
            var snapshot = model.Exposures.Snapshots[model.Exposures.SnapshotBefore(t)];
            var rows = Enumerable.Range(0, snapshot.Assets.Length).Where(a => !double.IsNaN(panel.Returns[(t * n) + snapshot.Assets[a]])).ToArray();
            var x = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(rows.Length, p);
            var y = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(rows.Length);
            for (var r = 0; r < rows.Length; r++)
            {
                var a = rows[r];
                var w = Math.Sqrt(Math.Sqrt(snapshot.Size[a]));
                x[r, 0] = w;
                var column = snapshot.Industry[a] >= 0 ? model.IndustryColumn[snapshot.Industry[a]] : -1;
                if (column >= 1 && column < industries)
                {
                    x[r, column] = w;
                }

                for (var s = 0; s < styles; s++)
                {
                    x[r, p - styles + s] = w * snapshot.Values[(a * styles) + s];
                }

                y[r] = w * panel.Returns[(t * n) + snapshot.Assets[a]];
            }

            _ = x.QR().Solve(y);
            Interlocked.Increment(ref solved);
        });
        return solved;
    }
}
