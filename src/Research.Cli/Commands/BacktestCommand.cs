using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Research.Analytics.Factors;
using Research.Backtesting.Data;
using Research.Backtesting.Engine;
using Research.Backtesting.Metrics;
using Research.Backtesting.Strategies;
using Research.Cli.Infrastructure;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research backtest run</c>: a backtest executed in this process on the warehouse, metrics printed.</summary>
public static class BacktestCommand
{
    private static readonly Dictionary<string, string?> Strategies = new(StringComparer.Ordinal)
    {
        ["buy-and-hold"] = null,
        ["momentum"] = "momentum",
        ["value"] = "value",
        ["quality"] = "quality",
        ["size"] = "size",
        ["low-vol"] = "low_vol",
    };

    public static Command Create(CliOutput output)
    {
        var backtest = new Command("backtest", "Backtests: run one in this process (cluster jobs, walk-forward and Monte Carlo are to come).");
        var strategy = new Option<string>("--strategy") { Description = $"Strategy: {string.Join(", ", Strategies.Keys)}.", Required = true };
        var from = CliOptions.OptionalDate("--from", "First session (default: 13 months after the first CRSP session, when momentum exists).");
        var to = CliOptions.OptionalDate("--to", "Last session (default: the last CRSP session).");
        var execution = new Option<string>("--execution") { Description = "next-close (default) or next-open.", DefaultValueFactory = _ => "next-close" };
        var quantile = new Option<double>("--quantile") { Description = "Factor strategies: the quantile held long and short (default 0.2).", DefaultValueFactory = _ => 0.2 };
        var capital = new Option<double>("--capital") { Description = "Capital in dollars (sets market impact; default 10,000,000).", DefaultValueFactory = _ => 10_000_000 };
        var commission = new Option<double>("--commission-bps") { Description = "Commission, bp of traded value (default 1).", DefaultValueFactory = _ => 1.0 };
        var spread = new Option<double>("--half-spread-bps") { Description = "Half spread, bp of traded value (default 5).", DefaultValueFactory = _ => 5.0 };
        var impact = new Option<double>("--impact") { Description = "Square-root impact coefficient k (default 0.1; 0 = off).", DefaultValueFactory = _ => 0.1 };
        var borrow = new Option<double>("--borrow-bps") { Description = "Annual borrow fee on shorts, bp (default 50).", DefaultValueFactory = _ => 50.0 };
        var run = new Command("run", "Run a backtest in this process and print its metrics.") { strategy, from, to, execution, quantile, capital, commission, spread, impact, borrow };
        run.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(strategy)!;
            if (!Strategies.TryGetValue(name, out var factor))
            {
                throw new CliException($"--strategy: '{name}' is not one of {string.Join(", ", Strategies.Keys)}.");
            }

            var mode = parse.GetValue(execution) switch
            {
                "next-close" => Execution.NextClose,
                "next-open" => Execution.NextOpen,
                var other => throw new CliException($"--execution: '{other}' is not next-close or next-open."),
            };
            var layout = WarehouseOptions.Layout(parse);
            var catalog = new WarehouseCatalog(layout);
            var datasets = new[] { "crsp/daily", "crsp/names", "crsp/delisting", "compustat/quarterly", "ccm/links", "famafrench/factors_daily" }
                .Where(d => catalog.ReadCurrent(d) is not null || d is "crsp/daily" or "crsp/names").ToList();
            using var session = WarehouseOptions.OpenDatasets(parse, datasets, "'research sync --source synthetic' (or wrds)");
            var (first, last) = CrspRange(session);
            var start = parse.GetValue(from) ?? first.AddMonths(13);
            var end = parse.GetValue(to) ?? last;
            if (end <= start)
            {
                throw new CliException($"--to {end:yyyy-MM-dd} must be after --from {start:yyyy-MM-dd}.");
            }

            var watch = Stopwatch.StartNew();
            var result = await output.WithProgressAsync($"backtest {name}", progress => Task.Run(() => FactorsCommand.Guard(() =>
            {
                var data = BacktestDataLoader.Load(session, start.AddMonths(-13) < first ? first : start.AddMonths(-13), end, new SynchronousProgress<string>(output.Info));
                FactorExposures? exposures = null;
                IStrategy chosen = new BuyAndHold();
                if (factor is not null)
                {
                    progress.Report(("exposures", 0));
                    exposures = FactorBuilder.Build(data.Panel, data.Panel.MonthEnds(), new FactorBuildOptions { Styles = [factor] });
                    chosen = new FactorQuantileLongShort(factor, parse.GetValue(quantile));
                }

                var settings = new BacktestSettings
                {
                    From = start,
                    To = end,
                    Capital = parse.GetValue(capital),
                    Execution = mode,
                    Costs = new CostModel
                    {
                        CommissionBps = parse.GetValue(commission),
                        HalfSpreadBps = parse.GetValue(spread),
                        ImpactCoefficient = parse.GetValue(impact),
                        BorrowBps = parse.GetValue(borrow),
                    },
                };
                var backtest = BacktestEngine.Run(data, chosen, settings, exposures, new SynchronousProgress<double>(f => progress.Report(("simulating", f))), ct);
                var riskFree = data.RiskFree.Skip(Array.IndexOf(data.Dates, backtest.Dates[0])).Take(backtest.Dates.Length).DefaultIfEmpty(0).Average();
                return (backtest, metrics: BacktestMetrics.Of(backtest, riskFree), versions: session.Pinned.ToDictionary(p => p.Key, p => p.Value.VersionId, StringComparer.Ordinal));
            }), ct)).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { strategy = result.backtest.Strategy, metrics = result.metrics, dataVersions = result.versions, seconds = watch.Elapsed.TotalSeconds });
                return ExitCodes.Ok;
            }

            var m = result.metrics;
            var table = new Table().Title($"{result.backtest.Strategy}: {m.From:yyyy-MM-dd}..{m.To:yyyy-MM-dd} ({m.Days} sessions)").AddColumns("Metric", "Value");
            void Row(string label, string value) => table.AddRow(label, value);
            Row("Total return", m.TotalReturn.ToString("P2", CultureInfo.InvariantCulture));
            Row("CAGR", m.Cagr.ToString("P2", CultureInfo.InvariantCulture));
            Row("Volatility (annual)", m.AnnualVolatility.ToString("P2", CultureInfo.InvariantCulture));
            Row("Sharpe (excess of rf)", m.Sharpe.ToString("F2", CultureInfo.InvariantCulture));
            Row("Sortino", m.Sortino.ToString("F2", CultureInfo.InvariantCulture));
            Row("Max drawdown", m.MaxDrawdown.ToString("P2", CultureInfo.InvariantCulture));
            Row("Calmar", m.Calmar.ToString("F2", CultureInfo.InvariantCulture));
            Row("Hit rate", m.HitRate.ToString("P1", CultureInfo.InvariantCulture));
            Row("Turnover (one-way, a year)", m.AnnualTurnover.ToString("P0", CultureInfo.InvariantCulture));
            Row("Costs (a year)", m.AnnualCosts.ToString("P2", CultureInfo.InvariantCulture));
            Row("Gross exposure (mean)", m.MeanGrossExposure.ToString("P0", CultureInfo.InvariantCulture));
            Row("Trades", m.Trades.ToString(CultureInfo.InvariantCulture));
            output.Console.Write(table);
            output.Info($"data: {string.Join(", ", result.versions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}@{p.Value}"))}; {watch.Elapsed.TotalSeconds:F1} s");
            return ExitCodes.Ok;
        });

        backtest.Subcommands.Add(run);
        return backtest;
    }

    private static (DateOnly First, DateOnly Last) CrspRange(WarehouseQuerySession session)
    {
        using var command = session.CreateTrustedCommand("SELECT min(date), max(date) FROM crsp.daily");
        using var reader = command.ExecuteReader();
        reader.Read();
        return reader.IsDBNull(0) ? throw new CliException("crsp/daily is empty.") : (reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1));
    }
}
