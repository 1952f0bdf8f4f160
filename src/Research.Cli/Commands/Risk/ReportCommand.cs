using System.CommandLine;
using System.Globalization;
using Research.Analytics.Risk;
using Research.Cli.Commands.Factors;
using Research.Cli.Infrastructure;
using Research.Core.Calendars;
using Research.Data.Warehouse;
using Spectre.Console;

namespace Research.Cli.Commands.Risk;

/// <summary>
/// <c>research risk report --portfolio P --date D [--benchmark B]</c>: a portfolio's forecast risk. Reads and resolves the
/// files, then prints a <see cref="PortfolioRiskReport"/> (where the numbers are made).
/// </summary>
internal static class ReportCommand
{
    public static Command Create(CliOutput output)
    {
        var portfolio = new Option<string>("--portfolio") { Description = "Portfolio: JSON {\"weights\": {asset: weight}} or CSV asset,weight; assets are PERMNOs or tickers.", Required = true };
        var date = CliOptions.Date("--date", "Date of the forecast (the latest on or before it is used).");
        var benchmark = new Option<string?>("--benchmark") { Description = "Benchmark portfolio (same formats): adds ex-ante tracking error." };
        var confidence = new Option<double>("--confidence") { Description = "VaR / ES confidence (default 0.95).", DefaultValueFactory = _ => 0.95 }.Within(0.5, 0.9999);
        var command = new Command("report", "A portfolio's forecast risk: total, factor and specific; contributions by factor and asset; VaR and ES.") { portfolio, date, benchmark, confidence };
        command.SetAction(parse =>
        {
            // The files are read (and refused, naming the line) before the warehouse is opened.
            var rows = PortfolioFile.Read(parse.GetValue(portfolio)!);
            var benchmarkRows = parse.GetValue(benchmark) is { } benchmarkPath ? PortfolioFile.Read(benchmarkPath) : null;
            using var session = RiskModelSession.Open(parse);
            var stored = FactorsCommand.Guard(() => RiskModelStore.LoadAt(session, parse.GetValue(date)));
            var holdings = Holdings(rows, session, stored.Date);
            var bench = benchmarkRows is null ? null : Holdings(benchmarkRows, session, stored.Date);
            var report = FactorsCommand.Guard(() => PortfolioRiskReport.Load(session, stored, holdings, bench, parse.GetValue(confidence)));
            if (parse.GetValue(CliOptions.Json))
            {
                WriteJson(output, report);
            }
            else
            {
                WriteText(output, report);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static PortfolioHolding[] Holdings(IReadOnlyList<(string Asset, double Weight)> rows, WarehouseQuerySession session, DateOnly date)
    {
        var permnos = PortfolioFile.Resolve(rows, session, date);
        return [.. rows.Select((r, i) => new PortfolioHolding(r.Asset, permnos[i], r.Weight))];
    }

    private static void WriteJson(CliOutput output, PortfolioRiskReport report)
    {
        var risk = report.Risk;
        output.WriteJson(new
        {
            forecastDate = report.ForecastDate,
            fitId = report.FitId,
            daily = new { volatility = risk.Volatility, factor = risk.FactorVolatility, specific = risk.SpecificVolatility },
            annualised = new { volatility = Annualisation.Volatility(risk.Volatility), factor = Annualisation.Volatility(risk.FactorVolatility), specific = Annualisation.Volatility(risk.SpecificVolatility) },
            byFactor = report.ByFactor.Select(f => new { factor = f.Factor, exposure = f.Exposure, contribution = f.Contribution }),
            specificContribution = risk.ComponentSpecific,
            byAsset = report.ByAsset.Select(a => new { asset = a.Asset, permno = a.Permno, weight = a.Weight, marginal = a.Marginal, contribution = a.Contribution }),
            valueAtRisk = new
            {
                confidence = report.Confidence,
                parametric = new { var1 = report.ParametricValueAtRisk, es = report.ParametricExpectedShortfall },
                historicalSystematic = report.Historical is { } h ? new { var1 = h.ValueAtRisk, es = h.ExpectedShortfall, days = h.Days, from = h.From, to = h.To } : null,
            },
            trackingError = report.TrackingError,
        });
    }

    private static void WriteText(CliOutput output, PortfolioRiskReport report)
    {
        var risk = report.Risk;
        output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"forecast of {report.ForecastDate:yyyy-MM-dd}: volatility {Annualisation.Volatility(risk.Volatility):P2} a year ({risk.Volatility:P3} a day); factor {Annualisation.Volatility(risk.FactorVolatility):P2}, specific {Annualisation.Volatility(risk.SpecificVolatility):P2}"));
        var factorTable = new Table().AddColumns("Factor", "Exposure", "Risk contribution (daily)", "Share");
        foreach (var f in report.ByFactor.Where(f => Math.Abs(f.Exposure) > 1e-12))
        {
            factorTable.AddRow(f.Factor, f.Exposure.ToString("F3", CultureInfo.InvariantCulture), f.Contribution.ToString("E3", CultureInfo.InvariantCulture), (f.Contribution / risk.Volatility).ToString("P1", CultureInfo.InvariantCulture));
        }

        factorTable.AddRow("specific", string.Empty, risk.ComponentSpecific.ToString("E3", CultureInfo.InvariantCulture), (risk.ComponentSpecific / risk.Volatility).ToString("P1", CultureInfo.InvariantCulture));
        output.Console.Write(factorTable);
        var assetTable = new Table().AddColumns("Asset", "PERMNO", "Weight", "Marginal", "Contribution", "Share");
        foreach (var a in report.ByAsset.OrderByDescending(a => Math.Abs(a.Contribution)).Take(25))
        {
            assetTable.AddRow(Markup.Escape(a.Asset), a.Permno.ToString(CultureInfo.InvariantCulture), a.Weight.ToString("F4", CultureInfo.InvariantCulture),
                a.Marginal.ToString("E3", CultureInfo.InvariantCulture), a.Contribution.ToString("E3", CultureInfo.InvariantCulture), (a.Contribution / risk.Volatility).ToString("P1", CultureInfo.InvariantCulture));
        }

        output.Console.Write(assetTable);
        var historicalText = report.Historical is { } hv
            ? string.Create(CultureInfo.InvariantCulture, $"; historical on factor returns ({hv.Days} days, systematic only) VaR {hv.ValueAtRisk:P3}, ES {hv.ExpectedShortfall:P3}")
            : string.Empty;
        output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"1-day VaR {report.Confidence:P0} parametric {report.ParametricValueAtRisk:P3}, ES {report.ParametricExpectedShortfall:P3}") + historicalText);
        if (report.TrackingError is { } tracking)
        {
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ex-ante tracking error {tracking.Annualised:P2} a year ({tracking.Daily:P3} a day; factor {tracking.Factor:P3}, specific {tracking.Specific:P3} daily)"));
        }
    }
}
