using System.CommandLine;

namespace Research.Cli.Commands.Alpha;

/// <summary><c>research alpha define|list|evaluate|combine|correlate|trials|sweep</c>: signal definitions, analytics, composites, correlations and the trial ledger.</summary>
/// <remarks>One file per subcommand in this folder.</remarks>
public static class AlphaCommand
{
    public static Command Create(Infrastructure.CliOutput output)
    {
        var alpha = new Command("alpha", "Alpha research: signal definitions, a signal's IC, rank IC, quantile returns, turnover and decay, and the trial ledger.");
        alpha.Subcommands.Add(DefineCommand.Create(output));
        alpha.Subcommands.Add(ListCommand.Create(output));
        alpha.Subcommands.Add(EvaluateCommand.Create(output));
        alpha.Subcommands.Add(CombineCommand.Create(output));
        alpha.Subcommands.Add(CorrelateCommand.Create(output));
        alpha.Subcommands.Add(TrialsCommand.Create(output));
        alpha.Subcommands.Add(SweepCommand.Create(output));
        return alpha;
    }
}
