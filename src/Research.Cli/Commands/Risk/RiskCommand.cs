using System.CommandLine;
using Research.Cli.Infrastructure;

namespace Research.Cli.Commands.Risk;

/// <summary><c>research risk fit|report</c>: fit the factor risk model and store it; a portfolio's risk on a date.</summary>
public static class RiskCommand
{
    public static Command Create(CliOutput output)
    {
        var risk = new Command("risk", "The factor risk model: fit it over a period (stored per date in the warehouse), report a portfolio's risk.");
        risk.Subcommands.Add(FitCommand.Create(output));
        risk.Subcommands.Add(ReportCommand.Create(output));
        return risk;
    }
}
