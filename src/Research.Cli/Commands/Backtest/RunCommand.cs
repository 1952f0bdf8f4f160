using System.CommandLine;
using System.Diagnostics;
using Research.Backtesting.Jobs;
using Research.Backtesting.Results;
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
        var shortfall = new Option<bool>("--shortfall") { Description = "Also measure the execution of the run's trades: implementation shortfall against the previous close (explicit = commission, delay = the one-session lag, trading = the modelled half spread and impact), in total and by month." };
        var command = new Command("run", "Run a backtest in this process and print its metrics.") { returnsCsv, shortfall };
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

            var execution = parse.GetValue(shortfall) ? FactorsCommand.Guard(() => TradeShortfall.Analyze(layout, result, TimeProvider.System, 10)) : null;
            var measured = execution is null ? null : new
            {
                basis = "decision at the previous close (CRSP prc restated by cfacpr), filled at the modelled " + (execution.Execution == Research.Backtesting.Engine.Execution.NextOpen ? "next open" : "next close"),
                trades = execution.Trades,
                withoutPrice = execution.WithoutPrice,
                withoutDecisionPrice = execution.WithoutDecisionPrice,
                paperInvestment = execution.PaperInvestment,
                explicitBps = execution.Bps(execution.Explicit),
                delayBps = execution.Bps(execution.Delay),
                tradingBps = execution.Bps(execution.Trading),
                totalBps = execution.Bps(execution.Total),
                totalDollars = execution.Total,
                months = execution.Months.Select(m => new
                {
                    month = m.Month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
                    trades = m.Trades,
                    paperInvestment = m.Investment,
                    explicitBps = m.Explicit / m.Investment * 1e4,
                    delayBps = m.Delay / m.Investment * 1e4,
                    tradingBps = m.Trading / m.Investment * 1e4
                }),
            };
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { strategy = result.Result.Strategy, metrics = result.Metrics, dataVersions = result.DataVersions, shortfall = measured, seconds = watch.Elapsed.TotalSeconds });
                return ExitCodes.Ok;
            }

            BacktestOutput.WriteMetrics(output, result.Result.Strategy, result.Metrics);
            if (execution is not null)
            {
                output.Out.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"Execution of {execution.Trades:N0} trades ({measured!.basis}): shortfall {execution.Bps(execution.Total):F2} bps of a ${execution.PaperInvestment:N0} paper investment (${execution.Total:N0}): explicit {execution.Bps(execution.Explicit):F2}, delay {execution.Bps(execution.Delay):F2}, trading {execution.Bps(execution.Trading):F2} bps{(execution.WithoutPrice + execution.WithoutDecisionPrice > 0 ? $"; {execution.WithoutPrice + execution.WithoutDecisionPrice:N0} trades without a price left out" : string.Empty)}."));
            }

            output.Info($"data: {string.Join(", ", result.DataVersions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}@{p.Value}"))}; {watch.Elapsed.TotalSeconds:F1} s");
            return ExitCodes.Ok;
        });
        return command;
    }
}
