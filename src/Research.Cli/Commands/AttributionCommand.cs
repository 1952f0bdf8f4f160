using System.CommandLine;
using System.Globalization;
using Research.Analytics.Attribution;
using Research.Backtesting.TearSheets;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research attribution --returns FILE --model ff5</c>: a daily return series regressed on the warehouse's Fama-French
/// factors (<see cref="ReturnAttribution"/>): loadings with Newey-West and HC3 errors, annualised alpha, contributions,
/// optionally rolling loadings and up/down-market betas with the timing tests.
/// </summary>
public static class AttributionCommand
{
    public static Command Create(CliOutput output)
    {
        var returns = new Option<string>("--returns") { Description = "CSV with a header and date,return rows (YYYY-MM-DD, decimal: 0.01 = 1%).", Required = true };
        var model = CliOptions.Choice("--model", "Factor model.", AttributionModel.Ff5);
        var lags = new Option<int>("--nw-lags") { Description = "Newey-West lag in sessions.", DefaultValueFactory = _ => ReturnAttribution.DefaultNeweyWestLags }.Between(0, 100);
        var rolling = new Option<int?>("--rolling") { Description = "Also fit over a rolling window of this many sessions and print the loadings at each month end." }.Positive();
        var conditional = new Option<bool>("--conditional") { Description = "Also fit up- and down-market betas and the Treynor-Mazuy and Henriksson-Merton timing tests." };
        var command = new Command("attribution", "Attribute a daily return series to CAPM, Fama-French 3 or 5, Carhart 4 or FF5 + momentum (OLS, Newey-West errors).")
        {
            returns, model, lags, rolling, conditional,
        };
        command.SetAction(parse =>
        {
            (DateOnly[] Dates, double[] Returns) series;
            try
            {
                series = ReturnSeriesFile.Read(parse.GetValue(returns)!);
            }
            catch (FileNotFoundException e)
            {
                throw new CliException($"--returns: {e.Message}", e);
            }

            var chosen = parse.GetValue(model);
            FactorReturns factors;
            using (var session = WarehouseOptions.OpenDatasets(parse, FactorReturnsLoader.DatasetsFor(chosen), "'research sync --full-sync --dataset famafrench --source french' (or --source files DIR)"))
            {
                factors = FactorReturnsLoader.Load(session, chosen);
            }

            AttributionResult result;
            IReadOnlyList<(DateOnly End, IReadOnlyList<double> Loadings)>? windows = null;
            MarketTiming? timing = null;
            try
            {
                result = ReturnAttribution.Run(series.Dates, series.Returns, factors, chosen, parse.GetValue(lags));
                if (parse.GetValue(rolling) is { } window)
                {
                    windows = ReturnAttribution.Rolling(series.Dates, series.Returns, factors, chosen, window);
                }

                if (parse.GetValue(conditional))
                {
                    timing = ReturnAttribution.Timing(series.Dates, series.Returns, factors, chosen, parse.GetValue(lags));
                }
            }
            catch (ArgumentException e)
            {
                throw new CliException($"{Path.GetFileName(parse.GetValue(returns))}: {e.Message}", e);
            }

            if (result.Dropped > 0)
            {
                output.Info($"{result.Dropped} day(s) of the returns have no {WireName(chosen)} factor data and are left out; {result.Dates.Count} used ({result.Dates[0]:yyyy-MM-dd}..{result.Dates[^1]:yyyy-MM-dd}).");
            }

            var names = FactorReturns.FactorsOf(chosen);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    result.Model,
                    from = result.Dates[0],
                    to = result.Dates[^1],
                    sessions = result.Dates.Count,
                    result.Dropped,
                    result.Loadings,
                    result.RSquared,
                    result.AdjustedRSquared,
                    result.ResidualVolatility,
                    result.AnnualExcessReturn,
                    result.NeweyWestLags,
                    rolling = windows?.Select(w => new { w.End, loadings = names.Prepend("alpha").Zip(w.Loadings).ToDictionary(p => p.First, p => p.Second) }),
                    timing,
                });
                return ExitCodes.Ok;
            }

            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{WireName(chosen)}: {result.Dates.Count:N0} sessions {result.Dates[0]:yyyy-MM-dd}..{result.Dates[^1]:yyyy-MM-dd}, excess returns over the Fama-French rf"));
            var table = new Table()
                .AddColumns("", "loading", $"NW se (L={result.NeweyWestLags})", "t", "HC3 se", "contribution / year");
            foreach (var l in result.Loadings)
            {
                table.AddRow(l.Name, F(l.Loading, "0.000000"), F(l.NeweyWestError, "0.000000"), F(l.NeweyWestT, "0.00"), F(l.Hc3Error, "0.000000"), Percent(l.AnnualContribution));
            }

            output.Console.Write(table);
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"alpha {Percent(result.Loadings[0].AnnualContribution)} a year (daily alpha x 252, arithmetic); excess return {Percent(result.AnnualExcessReturn)} a year = alpha + the contributions; R² {result.RSquared:0.0000} (adjusted {result.AdjustedRSquared:0.0000}); residual volatility {Percent(result.ResidualVolatility)} a year."));
            if (timing is { } m)
            {
                output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"up-market beta {m.UpBeta:0.000} (se {m.UpBetaError:0.000}, {m.UpDays} days), down-market beta {m.DownBeta:0.000} (se {m.DownBetaError:0.000}, {m.DownDays} days); Treynor-Mazuy gamma {m.TreynorMazuyGamma:0.000} (t {m.TreynorMazuyT:0.00}); Henriksson-Merton gamma {m.HenrikssonMertonGamma:0.000} (t {m.HenrikssonMertonT:0.00})."));
            }

            if (windows is not null)
            {
                var monthEnds = windows.GroupBy(w => (w.End.Year, w.End.Month)).Select(g => g.Last()).ToList();
                output.Out.WriteLine($"rolling {parse.GetValue(rolling)}-session loadings, at month ends:");
                var rollingTable = new Table().AddColumns(["end", "alpha", .. names]);
                foreach (var (end, loadings) in monthEnds)
                {
                    rollingTable.AddRow([$"{end:yyyy-MM-dd}", .. loadings.Select(v => F(v, "0.0000"))]);
                }

                output.Console.Write(rollingTable);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string WireName(AttributionModel model) => Research.Grains.Abstractions.WireNames.Of(model);

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Percent(double value) => (value * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
}
