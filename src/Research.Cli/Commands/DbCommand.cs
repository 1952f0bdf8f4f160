using System.CommandLine;
using System.Globalization;
using Research.Cli.Infrastructure;
using Research.Grains.Client;
using Research.Platform.Storage.Relational;
using Spectre.Console;

namespace Research.Cli.Commands;

/// <summary><c>research db</c>: the PostgreSQL schema of the Production profile (Orleans membership, grain state, reminders).</summary>
public static class DbCommand
{
    public static Command Create(CliOutput output)
    {
        var db = new Command("db", "PostgreSQL schema for the Production profile.");
        var connection = new Option<string?>("--connection-string") { Description = "PostgreSQL connection string (default: ConnectionStrings:Orleans, environment ConnectionStrings__Orleans).", Recursive = true };
        db.Options.Add(connection);

        var migrate = new Command("migrate", "Apply pending schema migrations (idempotent; safe to run from several machines at once).");
        migrate.SetAction(async (parse, ct) =>
        {
            var applied = await new PostgresMigrator(ConnectionString(parse, connection), TimeProvider.System).MigrateAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(applied.Select(m => new { m.Version, m.Name, m.Sha256 }));
            }
            else
            {
                output.Out.WriteLine(applied.Count == 0
                    ? $"schema is up to date ({PostgresMigrator.Shipped.Count} migrations)"
                    : $"applied {applied.Count} migration(s): {string.Join(", ", applied.Select(m => $"{m.Version:D4}_{m.Name}"))}");
            }

            return ExitCodes.Ok;
        });

        var status = new Command("status", "Show which migrations are applied and which are pending.");
        status.SetAction(async (parse, ct) =>
        {
            var applied = await new PostgresMigrator(ConnectionString(parse, connection), TimeProvider.System).AppliedAsync(ct).ConfigureAwait(false);
            var rows = PostgresMigrator.Shipped.Select(m => new { m.Version, m.Name, Applied = applied.ContainsKey(m.Version) }).ToList();
            if (parse.GetValue(CliOptions.Json))
            {
                output.WriteJson(rows);
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Version", "Name", "State");
            foreach (var r in rows)
            {
                table.AddRow(r.Version.ToString("D4", CultureInfo.InvariantCulture), r.Name, r.Applied ? "applied" : "pending");
            }

            output.Console.Write(table);
            return ExitCodes.Ok;
        });

        db.Subcommands.Add(migrate);
        db.Subcommands.Add(status);
        return db;
    }

    private static string ConnectionString(ParseResult parse, Option<string?> option)
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
