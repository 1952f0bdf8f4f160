using System.CommandLine;

namespace Research.Cli.Commands.Alpha;

/// <summary><c>research alpha evaluate</c>: signal analytics (more subcommands with issue 19).</summary>
/// <remarks>One file per subcommand in this folder.</remarks>
public static class AlphaCommand
{
    public static Command Create(Infrastructure.CliOutput output)
    {
        var alpha = new Command("alpha", "Alpha research: a signal's IC, rank IC, quantile returns, turnover and decay.");
        alpha.Subcommands.Add(EvaluateCommand.Create(output));
        return alpha;
    }
}
