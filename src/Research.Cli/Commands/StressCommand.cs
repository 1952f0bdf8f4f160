using System.CommandLine;
using System.Globalization;
using Research.Analytics.Risk;
using Research.Cli.Commands.Factors;
using Research.Cli.Commands.Risk;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research stress</c>: a portfolio's P&amp;L under a historical window or hypothetical factor shocks.</summary>
public static class StressCommand
{
    public static Command Create(CliOutput output)
    {
        var portfolio = new Option<string>("--portfolio") { Description = "Portfolio: JSON {\"weights\": {asset: weight}} or CSV asset,weight; PERMNOs or tickers.", Required = true };
        var scenario = new Option<string?>("--scenario") { Description = $"Named historical window: {string.Join(", ", StressTest.Named.Select(s => s.Name))}." };
        var from = CliOptions.OptionalDate("--from", "Custom historical window start.");
        var to = CliOptions.OptionalDate("--to", "Custom historical window end.");
        var shock = new Option<string[]>("--shock") { Description = "Hypothetical factor shock factor=move, e.g. market=-0.2 (repeatable)." };
        var propagate = new Option<bool>("--propagate") { Description = "Move unshocked factors by their expectation given the shocks under the model covariance." };
        var date = CliOptions.OptionalDate("--date", "Exposures and covariance as of this date (default: the latest forecast).");
        var command = new Command("stress", "Stress a portfolio: replay the model's factor returns over a window, or shock factors; P&L by factor and position.")
        {
            portfolio, scenario, from, to, shock, propagate, date,
        };
        command.SetAction(parse =>
        {
            var holdings = PortfolioFile.Read(parse.GetValue(portfolio)!);
            using var session = RiskModelSession.Open(parse);
            var lastDate = FactorsCommand.Guard(() => RiskModelStore.Coverage(session)).Last;
            var stored = FactorsCommand.Guard(() => RiskModelStore.LoadAt(session, parse.GetValue(date) ?? lastDate));
            var permnos = PortfolioFile.Resolve(holdings, session, stored.Date);
            var weights = holdings.Select(h => h.Weight).ToArray();
            var model = FactorsCommand.Guard(() => stored.FactorModel(permnos));
            var shocks = parse.GetValue(shock) ?? [];
            var name = parse.GetValue(scenario);
            var (customFrom, customTo) = (parse.GetValue(from), parse.GetValue(to));
            var kinds = (name is not null ? 1 : 0) + (customFrom is not null || customTo is not null ? 1 : 0) + (shocks.Length > 0 ? 1 : 0);
            if (kinds != 1)
            {
                throw new CliException("Give exactly one of --scenario NAME, --from D --to D, or --shock factor=move.");
            }

            StressResult result;
            if (shocks.Length > 0)
            {
                var parsed = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var s in shocks)
                {
                    var parts = s.Split('=', 2);
                    if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var move))
                    {
                        throw new CliException($"--shock '{s}': expected factor=move, e.g. market=-0.2.");
                    }

                    parsed[parts[0].Trim()] = move;
                }

                result = FactorsCommand.Guard(() => StressTest.Hypothetical(stored.Factors, model, weights, parsed, parse.GetValue(propagate)));
            }
            else
            {
                HistoricalScenario window;
                if (name is not null)
                {
                    window = FactorsCommand.Guard(() => StressTest.Scenario(name));
                }
                else
                {
                    if (customFrom is null || customTo is null || customTo < customFrom)
                    {
                        throw new CliException("A custom window needs --from and --to, with --to on or after --from.");
                    }

                    window = new HistoricalScenario($"{customFrom:yyyy-MM-dd}..{customTo:yyyy-MM-dd}", customFrom.Value, customTo.Value, "custom window");
                }

                var (first, last) = RiskModelStore.Coverage(session);
                var (dates, returns) = RiskModelStore.FactorReturns(session, first, last);
                result = FactorsCommand.Guard(() => StressTest.Historical(window.Name, stored.Factors, model, weights, dates, returns, window.From, window.To));
            }

            var byPosition = holdings.Select((h, i) => new { asset = h.Asset, permno = permnos[i], weight = h.Weight, pnl = result.ByPosition[i] }).ToList();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new { scenario = result.Scenario, exposuresAsOf = stored.Date, sessions = result.Sessions, total = result.Total, factorMoves = result.FactorMoves, byFactor = result.ByFactor, byPosition });
                return ExitCodes.Ok;
            }

            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{result.Scenario}: P&L {result.Total:P2} of capital (exposures of {stored.Date:yyyy-MM-dd}{(result.Sessions > 0 ? $", {result.Sessions} sessions replayed" : string.Empty)}; systematic part only)"));
            var factors = new Table().AddColumns("Factor", "Move", "P&L");
            foreach (var (factor, pnl) in result.ByFactor.Where(p => Math.Abs(p.Value) > 1e-12).OrderBy(p => p.Value))
            {
                factors.AddRow(factor, result.FactorMoves[factor].ToString("P2", CultureInfo.InvariantCulture), pnl.ToString("P3", CultureInfo.InvariantCulture));
            }

            output.Console.Write(factors);
            var positions = new Table().AddColumns("Asset", "Weight", "P&L");
            foreach (var p in byPosition.OrderBy(p => p.pnl).Take(25))
            {
                positions.AddRow(Markup.Escape(p.asset), p.weight.ToString("F4", CultureInfo.InvariantCulture), p.pnl.ToString("P3", CultureInfo.InvariantCulture));
            }

            output.Console.Write(positions);
            return ExitCodes.Ok;
        });
        return command;
    }
}
