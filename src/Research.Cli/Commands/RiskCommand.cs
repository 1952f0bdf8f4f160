using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Research.Analytics.Factors;
using Research.Analytics.Risk;
using Research.Cli.Infrastructure;
using Spectre.Console;
using Research.Core.Calendars;

namespace Research.Cli.Commands;

/// <summary><c>research risk fit|report</c>: fit the factor risk model and store it; a portfolio's risk on a date.</summary>
public static class RiskCommand
{
    public static Command Create(CliOutput output)
    {
        var risk = new Command("risk", "The factor risk model: fit it over a period (stored per date in the warehouse), report a portfolio's risk.");

        var from = CliOptions.OptionalDate("--from", "First regression date (default: 13 months after the first CRSP session).");
        var to = CliOptions.OptionalDate("--to", "Last date (default: the last CRSP session).");
        var styles = new Option<string?>("--styles") { Description = "Comma-separated style factors (default: size,value,momentum,quality,low_vol,beta,liquidity where the data has them)." };
        var pricesCsv = new Option<string?>("--prices-csv") { Description = "Fit on a long prices file (date,open,high,low,close,volume,Name) instead of the warehouse; reports only, nothing is stored." };
        var eigen = new Option<bool>("--eigen") { Description = "Apply the eigenfactor adjustment (recommended when the model feeds an optimiser)." };
        var vra = new Option<bool>("--vra") { Description = "Apply the volatility regime adjustment." };
        var nwLags = new Option<int>("--nw-lags") { Description = "Newey-West lags of factor covariance and specific variance (default 0: one-day horizon)." };
        var defaults = new RiskModelOptions();
        var volHalfLife = new Option<int>("--vol-half-life") { Description = $"Half-life of factor volatilities in sessions (default {defaults.VolatilityHalfLife}).", DefaultValueFactory = _ => defaults.VolatilityHalfLife };
        var corrHalfLife = new Option<int>("--corr-half-life") { Description = $"Half-life of factor correlations in sessions (default {defaults.CorrelationHalfLife}).", DefaultValueFactory = _ => defaults.CorrelationHalfLife };
        var specificHalfLife = new Option<int>("--specific-half-life") { Description = $"Half-life of specific variances in sessions (default {defaults.SpecificHalfLife}).", DefaultValueFactory = _ => defaults.SpecificHalfLife };
        var fit = new Command("fit", "Fit the model: daily factor returns, covariance and specific risk forecasts, stored as risk/* datasets.")
        {
            from, to, styles, pricesCsv, eigen, vra, nwLags, volHalfLife, corrHalfLife, specificHalfLife,
        };
        fit.SetAction(async (parse, ct) =>
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

        var portfolio = new Option<string>("--portfolio") { Description = "Portfolio: JSON {\"weights\": {asset: weight}} or CSV asset,weight; assets are PERMNOs or tickers.", Required = true };
        var date = CliOptions.Date("--date", "Date of the forecast (the latest on or before it is used).");
        var benchmark = new Option<string?>("--benchmark") { Description = "Benchmark portfolio (same formats): adds ex-ante tracking error." };
        var confidence = new Option<double>("--confidence") { Description = "VaR / ES confidence (default 0.95).", DefaultValueFactory = _ => 0.95 };
        var report = new Command("report", "A portfolio's forecast risk: total, factor and specific; contributions by factor and asset; VaR and ES.") { portfolio, date, benchmark, confidence };
        report.SetAction(parse =>
        {
            var holdings = PortfolioFile.Read(parse.GetValue(portfolio)!);
            using var session = OpenModel(parse);
            var stored = FactorsCommand.Guard(() => RiskModelStore.LoadAt(session, parse.GetValue(date)));
            var permnos = PortfolioFile.Resolve(holdings, session, stored.Date);
            var weights = holdings.Select(h => h.Weight).ToArray();
            var spec = FactorsCommand.Guard(() => stored.FactorModel(permnos));
            var decomposition = PortfolioRisk.Decompose(spec, weights);
            var level = parse.GetValue(confidence);
            var (var1, es1) = FactorsCommand.Guard(() => PortfolioRisk.Parametric(decomposition.Volatility, 0, level));
            var (history, historyDates) = SystematicHistory(session, stored, decomposition.Exposures);
            var historical = history.Length >= 20 ? PortfolioRisk.Historical(history, level) : ((double, double)?)null;
            TrackingErrorSummary? tracking = null;
            if (parse.GetValue(benchmark) is { } benchmarkPath)
            {
                var bench = PortfolioFile.Read(benchmarkPath);
                var all = holdings.Select(h => h.Asset).Concat(bench.Select(b => b.Asset)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                var allPermnos = PortfolioFile.Resolve([.. all.Select(a => (a, 0.0))], session, stored.Date);
                var w = all.Select(a => holdings.FirstOrDefault(h => string.Equals(h.Asset, a, StringComparison.OrdinalIgnoreCase)).Weight).ToArray();
                var b = all.Select(a => bench.FirstOrDefault(h => string.Equals(h.Asset, a, StringComparison.OrdinalIgnoreCase)).Weight).ToArray();
                var te = PortfolioRisk.TrackingError(FactorsCommand.Guard(() => stored.FactorModel(allPermnos)), w, b);
                tracking = new TrackingErrorSummary(te.Volatility, te.Volatility * Annualisation.VolatilityScale, te.FactorVolatility, te.SpecificVolatility);
            }

            var byFactor = stored.Factors.Select((f, k) => new { factor = f, exposure = decomposition.Exposures[k], contribution = decomposition.ComponentByFactor[k] }).ToList();
            var byAsset = holdings.Select((h, i) => new { asset = h.Asset, permno = permnos[i], weight = h.Weight, marginal = decomposition.MarginalByAsset[i], contribution = decomposition.ComponentByAsset[i] }).ToList();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    forecastDate = stored.Date,
                    fitId = stored.FitId,
                    daily = new { volatility = decomposition.Volatility, factor = decomposition.FactorVolatility, specific = decomposition.SpecificVolatility },
                    annualised = new { volatility = decomposition.Volatility * Annualisation.VolatilityScale, factor = decomposition.FactorVolatility * Annualisation.VolatilityScale, specific = decomposition.SpecificVolatility * Annualisation.VolatilityScale },
                    byFactor,
                    specificContribution = decomposition.ComponentSpecific,
                    byAsset,
                    valueAtRisk = new
                    {
                        confidence = level,
                        parametric = new { var1, es = es1 },
                        historicalSystematic = historical is { } h ? new { var1 = h.Item1, es = h.Item2, days = history.Length, from = historyDates[0], to = historyDates[^1] } : null,
                    },
                    trackingError = tracking,
                });
                return ExitCodes.Ok;
            }

            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"forecast of {stored.Date:yyyy-MM-dd}: volatility {decomposition.Volatility * Annualisation.VolatilityScale:P2} a year ({decomposition.Volatility:P3} a day); factor {decomposition.FactorVolatility * Annualisation.VolatilityScale:P2}, specific {decomposition.SpecificVolatility * Annualisation.VolatilityScale:P2}"));
            var factorTable = new Table().AddColumns("Factor", "Exposure", "Risk contribution (daily)", "Share");
            foreach (var f in byFactor.Where(f => Math.Abs(f.exposure) > 1e-12))
            {
                factorTable.AddRow(f.factor, f.exposure.ToString("F3", CultureInfo.InvariantCulture), f.contribution.ToString("E3", CultureInfo.InvariantCulture), (f.contribution / decomposition.Volatility).ToString("P1", CultureInfo.InvariantCulture));
            }

            factorTable.AddRow("specific", string.Empty, decomposition.ComponentSpecific.ToString("E3", CultureInfo.InvariantCulture), (decomposition.ComponentSpecific / decomposition.Volatility).ToString("P1", CultureInfo.InvariantCulture));
            output.Console.Write(factorTable);
            var assetTable = new Table().AddColumns("Asset", "PERMNO", "Weight", "Marginal", "Contribution", "Share");
            foreach (var a in byAsset.OrderByDescending(a => Math.Abs(a.contribution)).Take(25))
            {
                assetTable.AddRow(Markup.Escape(a.asset), a.permno.ToString(CultureInfo.InvariantCulture), a.weight.ToString("F4", CultureInfo.InvariantCulture),
                    a.marginal.ToString("E3", CultureInfo.InvariantCulture), a.contribution.ToString("E3", CultureInfo.InvariantCulture), (a.contribution / decomposition.Volatility).ToString("P1", CultureInfo.InvariantCulture));
            }

            output.Console.Write(assetTable);
            var historicalText = historical is { } hv
                ? string.Create(CultureInfo.InvariantCulture, $"; historical on factor returns ({history.Length} days, systematic only) VaR {hv.Item1:P3}, ES {hv.Item2:P3}")
                : string.Empty;
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"1-day VaR {level:P0} parametric {var1:P3}, ES {es1:P3}") + historicalText);
            if (tracking is not null)
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ex-ante tracking error {tracking.Annualised:P2} a year ({tracking.Daily:P3} a day; factor {tracking.Factor:P3}, specific {tracking.Specific:P3} daily)"));
            }

            return ExitCodes.Ok;
        });

        risk.Subcommands.Add(fit);
        risk.Subcommands.Add(report);
        return risk;
    }

    internal static Research.Data.Warehouse.WarehouseQuerySession OpenModel(ParseResult parse)
    {
        var layout = WarehouseOptions.Layout(parse);
        var catalog = new Research.Data.Warehouse.WarehouseCatalog(layout);
        var datasets = RiskModelStore.Datasets.Concat(new[] { "crsp/names" }.Where(d => catalog.ReadCurrent(d) is not null)).ToList();
        var session = WarehouseOptions.OpenDatasets(parse, datasets, "'research risk fit'");
        try
        {
            FactorsCommand.Guard(() => RiskModelStore.RequireConsistentFit(session));
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The portfolio's systematic daily returns x·f_t over the last 500 stored days up to the forecast date.</summary>
    private static (double[] Returns, DateOnly[] Dates) SystematicHistory(Research.Data.Warehouse.WarehouseQuerySession session, StoredForecast stored, double[] exposures)
    {
        var (dates, returns) = RiskModelStore.FactorReturns(session, stored.Date.AddYears(-3), stored.Date);
        var take = Math.Min(500, dates.Length);
        var series = returns.Skip(dates.Length - take).Select(f => f.Select((x, k) => x * exposures[k]).Sum()).ToArray();
        return (series, dates.Skip(dates.Length - take).ToArray());
    }
}

/// <summary>Ex-ante tracking error, daily and annualised, with its factor and specific parts (daily).</summary>
internal sealed record TrackingErrorSummary(double Daily, double Annualised, double Factor, double Specific);
