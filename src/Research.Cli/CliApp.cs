using System.CommandLine;
using Research.Cli.Commands;
using Research.Cli.Commands.Admin;
using Research.Cli.Commands.Audit;
using Research.Cli.Commands.Backtest;
using Research.Cli.Commands.Bench;
using Research.Cli.Commands.Calendar;
using Research.Cli.Commands.Cluster;
using Research.Cli.Commands.Compustat;
using Research.Cli.Commands.Crsp;
using Research.Cli.Commands.Db;
using Research.Cli.Commands.Factors;
using Research.Cli.Commands.FamaFrench;
using Research.Cli.Commands.Platform;
using Research.Cli.Commands.Risk;
using Research.Cli.Commands.Versions;
using Research.Cli.Commands.Wrds;
using Research.Cli.Infrastructure;

namespace Research.Cli;

/// <summary>
/// The <c>research</c> command: builds the command tree and runs it with the project's exit-code and error
/// conventions (0 ok, 1 failed, 2 usage error; one-line errors unless <c>--verbose</c>).
/// </summary>
public static partial class CliApp
{
    /// <summary>Builds the root command writing to <paramref name="output"/>.</summary>
    public static RootCommand BuildRoot(CliOutput output)
    {
        var root = new RootCommand("research: quantitative equity research platform (warehouse, analytics, backtests, cluster).")
        {
            CliOptions.Json,
            CliOptions.Verbose,
            CliOptions.DataRoot,
        };
        root.Subcommands.Add(CalendarCommand.Create(output));
        root.Subcommands.Add(SynthCommand.Create(output));
        root.Subcommands.Add(DbCommand.Create(output));
        root.Subcommands.Add(QueryCommand.Create(output));
        root.Subcommands.Add(SyncCommand.Create(output));
        root.Subcommands.Add(FetchCommand.Create(output));
        root.Subcommands.Add(ReconcileCommand.Create(output));
        root.Subcommands.Add(Commands.Etl.EtlCommand.Create(output));
        root.Subcommands.Add(BenchCommand.Create(output));
        root.Subcommands.Add(FamaFrenchCommand.Create(output));
        root.Subcommands.Add(WrdsCommand.Create(output));
        root.Subcommands.Add(CrspCommand.Create(output));
        root.Subcommands.Add(CompustatCommand.Create(output));
        root.Subcommands.Add(VersionsCommand.Create(output));
        root.Subcommands.Add(FactorsCommand.Create(output));
        root.Subcommands.Add(RiskCommand.Create(output));
        root.Subcommands.Add(StressCommand.Create(output));
        root.Subcommands.Add(TearsheetCommand.Create(output));
        root.Subcommands.Add(AttributionCommand.Create(output));
        root.Subcommands.Add(Commands.Alpha.AlphaCommand.Create(output));
        root.Subcommands.Add(Commands.Models.ModelsCommand.Create(output));
        root.Subcommands.Add(OptimizeCommand.Create(output));
        root.Subcommands.Add(BacktestCommand.Create(output));
        root.Subcommands.Add(AuditCommand.Create(output));
        root.Subcommands.Add(AdminCommand.Create(output));
        root.Subcommands.Add(ClusterCommand.Create(output));
        root.Subcommands.Add(Commands.Trading.BreakerCommand.Create(output));
        root.Subcommands.Add(Commands.Alerts.AlertsCommand.Create(output));
        root.Subcommands.Add(Commands.Tax.TaxCommand.Create(output));
        root.Subcommands.Add(Commands.Reports.ReportsCommand.Create(output));
        root.Subcommands.Add(Commands.Notebooks.NotebooksCommand.Create(output));
        root.Subcommands.Add(Commands.Micro.MicroCommand.Create(output));
        root.Subcommands.Add(Commands.Taq.TaqCommand.Create(output));
        root.Subcommands.Add(Commands.Events.EventsCommand.Create(output));
        root.Subcommands.Add(Commands.Execution.ExecutionCommand.Create(output));
        root.Subcommands.Add(Commands.Trading.StrategyCommand.Create(output));
        root.Subcommands.Add(Commands.Trading.OrdersCommand.Create(output));
        root.Subcommands.Add(Commands.Trading.OrdersCommand.Positions(output));
        foreach (var command in PlatformCommands.Create(output))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliOutput output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var root = BuildRoot(output);
        var parse = root.Parse(args);

        // With --help the parser prints the nearest command's help and drops its errors: 'research nosuch --help' would
        // exit 0 with the root help. An unknown word is an error with or without --help.
        var unknown = parse.Errors.Count == 0 ? parse.UnmatchedTokens : [];
        if (parse.Errors.Count > 0 || unknown.Count > 0)
        {
            // System.CommandLine's own "Cannot parse argument 'NaN' for option '--x' ..." is left out when our
            // validator already named that option and its rule: one line per problem.
            var messages = parse.Errors.Select(e => e.Message).ToList();
            foreach (var message in messages.Where(m => !(GenericParseError().Match(m) is { Success: true } g
                && messages.Any(other => other != m && other.StartsWith(g.Groups[1].Value, StringComparison.Ordinal)))))
            {
                output.Error.WriteLine($"error: {message}");
            }

            foreach (var token in unknown)
            {
                output.Error.WriteLine($"error: unknown command or argument '{token}' for '{parse.CommandResult.Command.Name}'.");
            }

            output.Error.WriteLine("Run 'research --help' for usage.");
            return ExitCodes.Usage;
        }

        var verbose = parse.GetValue(CliOptions.Verbose);
        try
        {
            return await parse.InvokeAsync(Invocation(output), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.Error.WriteLine("error: cancelled.");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            output.Error.WriteLine(verbose ? $"error: {e}" : $"error: {OneLine(e)}");
            return ExitCodes.Failed;
        }
    }

    private static string OneLine(Exception e)
    {
        var message = e is CliException ? e.Message : $"{e.Message} ({e.GetType().Name}; --verbose shows details)";
        return message.ReplaceLineEndings(" ");
    }

    /// <summary>
    /// How commands are invoked. Ctrl-C or SIGTERM cancels the command's token and the command then has
    /// <see cref="StopTimeout"/> to finish: System.CommandLine's default of 2 s killed <c>research up</c> with exit 130
    /// while it was still stopping its silo and console gracefully (it gives each 20 s).
    /// </summary>
    internal static InvocationConfiguration Invocation(CliOutput output) =>
        new() { EnableDefaultExceptionHandler = false, Output = output.Out, Error = output.Error, ProcessTerminationTimeout = StopTimeout };

    /// <summary>Time a cancelled command has to stop: more than <c>up</c>'s 20 s grace for each of its two children.</summary>
    internal static TimeSpan StopTimeout { get; } = TimeSpan.FromSeconds(60);

    [System.Text.RegularExpressions.GeneratedRegex("^Cannot parse argument '.*' for option '(--[A-Za-z0-9-]+)'")]
    private static partial System.Text.RegularExpressions.Regex GenericParseError();
}
