using System.CommandLine;
using System.Diagnostics;
using Research.Backtesting.Jobs;
using Research.Backtesting.TearSheets;
using Research.Cli.Commands.Factors;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Backtest;

/// <summary><c>research backtest run</c>: a backtest in this process (no cluster), printing its metrics.</summary>
internal static class RunCommand
{
    public static Command Create(CliOutput output)
    {
        var spec = new BacktestSpecOptions();
        var returnsCsv = new Option<FileInfo?>("--returns-csv") { Description = "Also write the run's daily net returns to this CSV (date,return), the format 'research tearsheet --returns' reads." }.WritableFile();
        var command = new Command("run", "Run a backtest in this process and print its metrics.") { returnsCsv };
        spec.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var request = spec.Request(parse);
            var layout = WarehouseOptions.Layout(parse);
            var watch = Stopwatch.StartNew();
            var result = await output.WithProgressAsync($"backtest {request.Strategy}", progress => Task.Run(() => FactorsCommand.Guard(() =>
                BacktestRunner.Run(layout, request, BacktestRunner.CurrentVersions(layout, request, ct), progress, ct)), ct)).ConfigureAwait(false);
            if (parse.GetValue(returnsCsv) is { } csv)
            {
                ReturnSeriesFile.Write(csv.FullName, result.Result.Dates, result.Result.Returns);
                output.Info($"daily net returns: {result.Result.Dates.Length} days to {csv.FullName}");
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { strategy = result.Result.Strategy, metrics = result.Metrics, dataVersions = result.DataVersions, seconds = watch.Elapsed.TotalSeconds });
                return ExitCodes.Ok;
            }

            BacktestOutput.WriteMetrics(output, result.Result.Strategy, result.Metrics);
            output.Info($"data: {string.Join(", ", result.DataVersions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}@{p.Value}"))}; {watch.Elapsed.TotalSeconds:F1} s");
            return ExitCodes.Ok;
        });
        return command;
    }
}
