using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Research.Analytics.Factors;
using Research.Analytics.Risk;
using Research.Cli.Commands.Factors;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands.Risk;

/// <summary><c>research risk fit</c>: fits the factor risk model over a period and stores it per date (risk/* datasets).</summary>
internal static class FitCommand
{
    public static Command Create(CliOutput output)
    {
        var from = CliOptions.OptionalDate("--from", "First regression date (default: 13 months after the first CRSP session).");
        var to = CliOptions.OptionalDate("--to", "Last date (default: the last CRSP session).");
        var styles = new Option<string?>("--styles") { Description = "Comma-separated style factors (default: size,value,momentum,quality,low_vol,beta,liquidity where the data has them)." };
        var pricesCsv = new Option<string?>("--prices-csv") { Description = "Fit on a long prices file (date,open,high,low,close,volume,Name) instead of the warehouse; reports only, nothing is stored." };
        var eigen = new Option<bool>("--eigen") { Description = "Apply the eigenfactor adjustment (recommended when the model feeds an optimiser)." };
        var vra = new Option<bool>("--vra") { Description = "Apply the volatility regime adjustment." };
        var nwLags = new Option<int>("--nw-lags") { Description = "Newey-West lags of factor covariance and specific variance (default 0: one-day horizon)." }.NonNegative();
        var defaults = new RiskModelOptions();
        var volHalfLife = new Option<int>("--vol-half-life") { Description = $"Half-life of factor volatilities in sessions (default {defaults.VolatilityHalfLife}).", DefaultValueFactory = _ => defaults.VolatilityHalfLife }.Positive();
        var corrHalfLife = new Option<int>("--corr-half-life") { Description = $"Half-life of factor correlations in sessions (default {defaults.CorrelationHalfLife}).", DefaultValueFactory = _ => defaults.CorrelationHalfLife }.Positive();
        var specificHalfLife = new Option<int>("--specific-half-life") { Description = $"Half-life of specific variances in sessions (default {defaults.SpecificHalfLife}).", DefaultValueFactory = _ => defaults.SpecificHalfLife }.Positive();
        var command = new Command("fit", "Fit the model: daily factor returns, covariance and specific risk forecasts, stored as risk/* datasets.")
        {
            from, to, styles, pricesCsv, eigen, vra, nwLags, volHalfLife, corrHalfLife, specificHalfLife,
        };
        command.SetAction(async (parse, ct) =>
        {
            var watch = Stopwatch.StartNew();
            var options = new RiskModelOptions
            {
                Eigenfactor = parse.GetValue(eigen),
                VolatilityRegimeAdjustment = parse.GetValue(vra),
                FactorNeweyWestLags = parse.GetValue(nwLags),
                SpecificNeweyWestLags = parse.GetValue(nwLags),
                VolatilityHalfLife = parse.GetValue(volHalfLife),
                CorrelationHalfLife = parse.GetValue(corrHalfLife),
                SpecificHalfLife = parse.GetValue(specificHalfLife),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new CliException(e.Message);
            }

            EquityPanel panel;
            int[] monthEnds;
            var csv = parse.GetValue(pricesCsv);
            if (csv is not null)
            {
                panel = FactorsCommand.Guard(() => PricesCsvPanel.Load(csv, out var skipped));
                monthEnds = panel.MonthEnds();
            }
            else
            {
                (panel, monthEnds) = FactorsCommand.LoadPanel(parse, output, parse.GetValue(from), parse.GetValue(to));
            }

            var loaded = watch.Elapsed;
            var start = parse.GetValue(from) ?? panel.Dates[0];
            var end = parse.GetValue(to) ?? panel.Dates[^1];
            var model = await output.WithProgressAsync("risk fit", progress => Task.Run(() => FactorsCommand.Guard(() =>
            {
                var exposures = FactorBuilder.Build(panel, monthEnds, new FactorBuildOptions { Styles = FactorsCommand.SplitList(parse.GetValue(styles)) },
                    new SynchronousProgress<double>(f => progress.Report(("exposures", f))));
                return RiskModelFitter.Fit(panel, exposures, start, end, options, progress, ct);
            }), ct)).ConfigureAwait(false);
            var fitted = watch.Elapsed;
            string? version = null;
            if (csv is null)
            {
                var manifests = await RiskModelStore.PublishAsync(WarehouseOptions.Layout(parse), model, Environment.UserName, TimeProvider.System, ct).ConfigureAwait(false);
                version = manifests[0].VersionId;
            }

            var summary = RiskModelSummary.Of(model);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    summary.First,
                    summary.Last,
                    summary.Days,
                    summary.MeanStocks,
                    summary.MeanRSquared,
                    summary.Factors,
                    summary.BiasWindow,
                    summary.BiasStatistics,
                    summary.BiasInBand,
                    summary.FactorBias,
                    fitId = RiskModelStore.FitId(model),
                    stored = version,
                    seconds = new { load = loaded.TotalSeconds, fit = (fitted - loaded).TotalSeconds, total = watch.Elapsed.TotalSeconds },
                });
                return ExitCodes.Ok;
            }

            var table = new Table().Title($"{model.Dates[0]:yyyy-MM-dd}..{model.Dates[^1]:yyyy-MM-dd}: {summary.Days} days, {summary.MeanStocks:F0} stocks a day, mean R² {summary.MeanRSquared:F3}")
                .AddColumns("Factor", "Ann. volatility (last forecast)", "Bias statistic");
            foreach (var f in summary.Factors)
            {
                table.AddRow(f.Name, f.AnnualisedVolatility.ToString("P2", CultureInfo.InvariantCulture), summary.FactorBias.TryGetValue(f.Name, out var b) ? b.ToString("F3", CultureInfo.InvariantCulture) : "-");
            }

            output.Console.Write(table);
            if (summary.BiasStatistics.Count > 0)
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"bias statistics of {summary.BiasStatistics.Count} random long-only portfolios over {summary.BiasWindow}: {summary.BiasInBand} in [0.9, 1.1], median {summary.BiasStatistics.Order().ElementAt(summary.BiasStatistics.Count / 2):F3}"));
            }

            output.Out.WriteLine(version is null
                ? $"not stored (fitted from {csv}); {watch.Elapsed.TotalSeconds:F1} s"
                : $"stored risk/* {version} (fit {RiskModelStore.FitId(model)}); load {loaded.TotalSeconds:F1} s, fit {(fitted - loaded).TotalSeconds:F1} s");
            return ExitCodes.Ok;
        });
        return command;
    }
}
