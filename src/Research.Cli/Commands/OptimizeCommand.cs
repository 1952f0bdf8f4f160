using System.CommandLine;
using System.Globalization;
using Research.Analytics.Optimization;
using Research.Cli.Commands.Factors;
using Research.Cli.Commands.Risk;
using Research.Cli.Infrastructure;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research optimize --spec FILE</c>: a portfolio optimisation stated as JSON (see <see cref="PortfolioSpec"/>).</summary>
public static class OptimizeCommand
{
    public static Command Create(CliOutput output)
    {
        var specFile = new Option<string>("--spec") { Description = "JSON spec: objective, assets, covariance | factor_model | risk_model {date}, expected_returns, constraints (docs/CONCEPTS/portfolio-optimisation.md).", Required = true };
        var command = new Command("optimize", "Optimise a portfolio: min_variance, mean_variance, max_sharpe, tracking_error or risk_parity under budget, bounds, groups, leverage, turnover and costs.") { specFile };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(specFile)!;
            if (!File.Exists(path))
            {
                throw new CliException($"--spec: {path} does not exist.");
            }

            PortfolioSpec spec;
            try
            {
                spec = PortfolioSpec.Parse(File.ReadAllText(path));
            }
            catch (ArgumentException e)
            {
                throw new CliException($"{path}: {e.Message}");
            }

            string? riskNote = null;
            if (spec.RiskModel is { } reference)
            {
                using var session = RiskModelSession.Open(parse);
                var stored = FactorsCommand.Guard(() => Research.Analytics.Risk.RiskModelStore.LoadAt(session, reference.Date));
                var permnos = PortfolioFile.Resolve([.. spec.Assets.Select(a => (a, 0.0))], session, stored.Date);
                spec = spec with { RiskModel = null, FactorModel = FactorsCommand.Guard(() => stored.FactorModel(permnos)), FactorNames = stored.Factors };
                riskNote = $"risk from the model's forecast of {stored.Date:yyyy-MM-dd} (fit {stored.FitId})";
            }

            PortfolioResult result;
            try
            {
                result = PortfolioOptimizer.Optimize(spec);
            }
            catch (InfeasiblePortfolioException e)
            {
                throw new CliException(e.Message);
            }
            catch (ArgumentException e)
            {
                throw new CliException($"{path}: {e.Message}");
            }

            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(new
                {
                    weights = result.Weights,
                    objective = result.Objective,
                    status = result.Status,
                    volatility = result.Volatility,
                    expectedReturn = result.ExpectedReturn,
                    riskContributions = result.RiskContributions,
                    iterations = result.Iterations,
                    kkt = new { primal = result.PrimalResidual, dual = result.DualResidual, complementarity = result.ComplementarityResidual },
                    risk = riskNote,
                });
                return ExitCodes.Ok;
            }

            var table = new Table().Title($"{result.Objective}: {result.Status}, {result.Iterations} iterations").AddColumns("Asset", "Weight", "Risk contribution");
            foreach (var (asset, weight) in result.Weights)
            {
                table.AddRow(Markup.Escape(asset), weight.ToString("F6", CultureInfo.InvariantCulture), result.RiskContributions[asset].ToString("F6", CultureInfo.InvariantCulture));
            }

            output.Console.Write(table);
            if (riskNote is not null)
            {
                output.Out.WriteLine(riskNote);
            }

            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"volatility {result.Volatility:F6}{(result.ExpectedReturn is { } r ? $", expected return {r:F6}" : "")}; KKT residuals: primal {result.PrimalResidual:E1}, dual {result.DualResidual:E1}, complementarity {result.ComplementarityResidual:E1}"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
