using System.CommandLine;
using Research.Cli.Infrastructure;
using Research.Grains.Client;

namespace Research.Cli.Commands.Db;

/// <summary><c>research db</c>: the PostgreSQL schema of the Production profile (Orleans membership, grain state, reminders).</summary>
/// <remarks>One file per subcommand in this folder.</remarks>
public static class DbCommand
{
    public static Command Create(CliOutput output)
    {
        var db = new Command("db", "PostgreSQL schema for the Production profile.");
        var connection = new Option<string?>("--connection-string") { Description = "PostgreSQL connection string (default: ConnectionStrings:Orleans, environment ConnectionStrings__Orleans).", Recursive = true };
        db.Options.Add(connection);
        db.Subcommands.Add(MigrateCommand.Create(output, connection));
        db.Subcommands.Add(StatusCommand.Create(output, connection));
        return db;
    }

    internal static string ConnectionString(ParseResult parse, Option<string?> option)
    {
        var value = parse.GetValue(option);
        if (string.IsNullOrWhiteSpace(value))
        {
            value = CliConfiguration.Build(parse)[ConfigurationKeys.OrleansConnectionString];
        }

        return string.IsNullOrWhiteSpace(value)
            ? throw new CliException($"No PostgreSQL connection string: pass --connection-string or set {ConfigurationKeys.OrleansConnectionString} (environment ConnectionStrings__Orleans).")
            : value;
    }
}
